package io.runstream.dataset.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvFilesTest {

    @Test
    void tinyFiles_andFilesArrivingAByteAtATime_readAsTheirRecords_withoutABom() throws IOException {
        assertThat(records(stream("a\n\n"), false)).containsExactly(List.of("a"));
        assertThat(records(stream("\nb"), false)).containsExactly(List.of("b"));
        assertThat(records(stream("\n"), false)).isEmpty();
        assertThat(records(stream("\uFEFFid,x\n1,2\n"), false)).containsExactly(List.of("id", "x"), List.of("1", "2"));
        assertThat(records(stream("\uFEFFid,x\n1,2\n"), true)).containsExactly(List.of("id", "x"), List.of("1", "2"));
        assertThat(records(stream("id,x\n1,2\n"), true)).containsExactly(List.of("id", "x"), List.of("1", "2"));
        assertThat(records(stream("\uFEFF"), true)).isEmpty();
        assertThat(records(stream("ab"), true)).containsExactly(List.of("ab"));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<List<String>> records(InputStream in, boolean byteAtATime) throws IOException {
        InputStream source = !byteAtATime ? in : new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(1, len));
            }
        };
        List<List<String>> records = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvFiles.reader(source, 1 << 20)) {
            reader.forEach(record -> records.add(record.getFields()));
        }
        return records;
    }
}
