package io.runstream.training.engine;

import de.siegmar.fastcsv.reader.CsvReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A CSV data set held column by column. Typing is the preprocessing's job, not the reader's: every
 * cell still answers its text as read ({@link #cell}); the reader only keeps plain decimals as
 * numbers instead of strings (see {@link Column}), which is what most training data is made of.
 */
public final class DataTable {

    private final List<String> columns;
    private final Column[] cells;
    private final int rows;

    DataTable(List<String> columns, Column[] cells, int rows) {
        this.columns = List.copyOf(columns);
        this.cells = cells;
        this.rows = rows;
        for (Column column : cells) {
            column.finish(rows);
        }
    }

    /** A table of the given cells ({@code null} cells are read as blanks). */
    public static DataTable of(List<String> columns, List<String[]> rows) {
        Column[] cells = new Column[columns.size()];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = new Column(rows.size());
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int c = 0; c < cells.length; c++) {
                char[] text = c < row.length && row[c] != null ? row[c].toCharArray() : new char[0];
                cells[c].set(r, text, 0, text.length);
            }
        }
        return new DataTable(columns, cells, rows.size());
    }

    /**
     * Reads a CSV file (UTF-8, or the charset of its byte order mark) with a header line, in one
     * pass and without a String per numeric cell ({@link CsvColumnsHandler}). Empty and blank lines
     * are skipped; a row with another number of fields than the header is an error.
     */
    public static DataTable readCsv(Path file) {
        return readCsv(file, Parallel.NONE);
    }

    /**
     * {@link #readCsv(Path)} with up to {@code parallel.threads()} threads: a large UTF-8 file
     * without quote characters is read as that many parts at once ({@link CsvChunks}); any other
     * file front to back on the calling thread.
     */
    static DataTable readCsv(Path file, Parallel parallel) {
        if (parallel.threads() > 1) {
            DataTable table = CsvChunks.read(file, parallel);
            if (table != null) {
                return table;
            }
        }
        CsvColumnsHandler handler = new CsvColumnsHandler();
        try (CsvReader<Boolean> reader = CsvReader.builder().detectBomHeader(true).build(handler, file)) {
            Iterator<Boolean> records = reader.iterator();
            while (records.hasNext()) {
                records.next();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return handler.table();
    }

    public List<String> columns() {
        return columns;
    }

    public int rowCount() {
        return rows;
    }

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

    /** The text of a cell, as read. */
    public String cell(int row, int col) {
        return cells[col].text(row);
    }

    Column column(int col) {
        return cells[col];
    }
}
