package io.runstream.dataset.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the validated copies hold reads back, through the same FastCSV reader, as the values written.
 * (FastCSV 4.1.0 mis-reads a quoted lone CR in the last field of a record, whoever wrote it: not tested here.)
 */
class CsvLineWriterTest {

    @Test
    void quotesOnlyWhatNeedsIt_andReadsBackAsWritten() throws Exception {
        List<String[]> rows = List.of(
                new String[]{"id", "note", "city"},
                new String[]{"1", "plain", "Oslo"},
                new String[]{"2", "with, comma", "say \"hi\""},
                new String[]{"3", "cr\rlf", "two\nlines"},
                new String[]{"4", "", "ünïcødé"},
                new String[]{""});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvLineWriter writer = new CsvLineWriter(out)) {
            writer.writeRecord(List.of(rows.get(0)));
            writer.writeRecord(rows.get(1), new boolean[]{true, false, false});
            for (String[] row : rows.subList(2, rows.size())) {
                writer.writeRecord(row, null);
            }
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("id,note,city\n1,plain,Oslo\n2,\"with, comma\",\"say \"\"hi\"\"\"\n")
                .endsWith("4,,ünïcødé\n\"\"\n");

        try (CsvReader<CsvRecord> reader = CsvFiles.reader(new ByteArrayInputStream(out.toByteArray()), 1 << 20)) {
            List<List<String>> read = reader.stream().map(CsvRecord::getFields).toList();
            assertThat(read).containsExactlyElementsOf(rows.stream().map(List::of).toList());
        }
    }
}
