package io.runstream.training.engine;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A CSV data set held as strings: typing is the preprocessing's job, not the reader's. */
public record DataTable(List<String> columns, List<String[]> rows) {

    public int indexOf(String column) {
        return columns.indexOf(column);
    }

    public Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i), i);
        }
        return index;
    }

    /** Reads a CSV file with a header line; short rows are padded with blanks. */
    public static DataTable readCsv(Path file) {
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(file)) {
            List<String> header = null;
            List<String[]> rows = new ArrayList<>();
            for (CsvRecord record : reader) {
                if (header == null) {
                    header = record.getFields().stream().map(String::strip).toList();
                    continue;
                }
                if (record.getFieldCount() == 1 && record.getField(0).isBlank()) {
                    continue;
                }
                String[] row = new String[header.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = i < record.getFieldCount() ? record.getField(i) : "";
                }
                rows.add(row);
            }
            if (header == null) {
                throw new TrainingException("empty-dataset", "The dataset has no header line");
            }
            return new DataTable(header, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
