package io.runstream.training.engine;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.CsvParseException;
import io.runstream.model.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The columnar CSV reader answers every cell's text exactly as FastCSV's own record reader does. */
class DataTableTest {

    @TempDir
    Path dir;

    @Test
    void readCsv_answersTheCellsFastCsvsRecordReaderAnswers() throws IOException {
        Random random = new Random(11);
        String[] shapes = {"", " ", "0", "-0", "007", "1.50", "+.5", "-.5e-3", "1e5", "1E+22", "12345678901234567",
                " 12.5 ", "1_000", "NaN", "n/a", "null", "1e400", "0x1p3", "1d", "true", "No", "2024-03-01", "ÉtÉ",
                "\"a, quoted\"", "\"say \"\"hi\"\"\"", "\"two\r\nlines\"", "\"lf\nonly\"", "\"\"", "x" + "9".repeat(200)};
        StringBuilder csv = new StringBuilder("id, amount ,text,label\r\n");
        for (int r = 0; r < 5000; r++) {  // more rows than a column's first allocation
            csv.append('r').append(r).append(',')
                    .append(r % 3 == 0 ? shapes[random.nextInt(shapes.length)] : Double.toString(random.nextGaussian() * 100))
                    .append(',').append(shapes[random.nextInt(shapes.length)])
                    .append(',').append(random.nextInt(2))
                    .append(r % 4 == 0 ? "\n" : "\r\n");
            if (r % 997 == 0) {
                csv.append("\r\n");  // an empty line: skipped by both
            }
        }
        Path file = write(csv.toString().getBytes(StandardCharsets.UTF_8));

        DataTable table = DataTable.readCsv(file);

        List<String[]> expected = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(file)) {
            reader.forEach(record -> expected.add(record.getFields().toArray(String[]::new)));
        }
        assertThat(table.columns()).containsExactly("id", "amount", "text", "label");
        assertThat(table.rowCount()).isEqualTo(expected.size() - 1).isEqualTo(5000);
        for (int r = 0; r < table.rowCount(); r++) {
            for (int c = 0; c < 4; c++) {
                String text = expected.get(r + 1)[c];
                assertThat(table.cell(r, c)).as("row %d column %d", r, c).isEqualTo(text);
                Column column = table.column(c);
                if (column.isPlain(r)) {  // kept as a number: exactly what Values.number answers for the text
                    assertThat(Double.doubleToRawLongBits(column.plainNumbers()[r]))
                            .isEqualTo(Double.doubleToRawLongBits(Values.number(text).orElseThrow()));
                }
            }
        }
        assertThat(table.column(3).allPlain()).isTrue();
        assertThat(table.column(1).allPlain()).isFalse();
    }

    @Test
    void plainDecimals_keepTheirExactText() throws IOException {
        DataTable table = DataTable.readCsv(write("v\n007\n-0\n1.50\n+.5\n1e5\n0.0\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(table.rowCount()).isEqualTo(6);
        for (int r = 0; r < 6; r++) {
            assertThat(table.column(0).isPlain(r)).isTrue();
        }
        assertThat(List.of(table.cell(0, 0), table.cell(1, 0), table.cell(2, 0), table.cell(3, 0), table.cell(4, 0),
                table.cell(5, 0))).containsExactly("007", "-0", "1.50", "+.5", "1e5", "0.0");
        assertThat(table.column(0).plainNumbers()).containsExactly(7, -0.0, 1.5, 0.5, 1e5, 0);
    }

    @Test
    void byteOrderMark_isNotPartOfTheFirstColumnsName() throws IOException {
        byte[] utf8 = "\uFEFFa,b\r\n1,x\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = "\uFEFFa,b\r\n1,é\r\n".getBytes(StandardCharsets.UTF_16LE);

        DataTable fromUtf8 = DataTable.readCsv(write(utf8));
        DataTable fromUtf16 = DataTable.readCsv(write(utf16));

        assertThat(fromUtf8.columns()).containsExactly("a", "b");
        assertThat(fromUtf8.indexOf("a")).isZero();
        assertThat(fromUtf16.columns()).containsExactly("a", "b");
        assertThat(fromUtf16.cell(0, 1)).isEqualTo("é");
    }

    @Test
    void missingValues_areBlankCells_andBlankLinesAreSkipped() throws IOException {
        DataTable table = DataTable.readCsv(write("a,b,c\n1,,3\n,\"\",\n   \n\n4,5,\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(table.rowCount()).isEqualTo(3);
        assertThat(List.of(table.cell(0, 0), table.cell(0, 1), table.cell(0, 2))).containsExactly("1", "", "3");
        assertThat(List.of(table.cell(1, 0), table.cell(1, 1), table.cell(1, 2))).containsExactly("", "", "");
        assertThat(List.of(table.cell(2, 0), table.cell(2, 1), table.cell(2, 2))).containsExactly("4", "5", "");
        assertThat(table.column(0).isPlain(1)).isFalse();
        assertThat(table.column(0).plainNumbers()[1]).isNaN();
    }

    @Test
    void aRowWithAnotherNumberOfFields_isRefused() throws IOException {
        Path shortRow = write("a,b,c\n1,2,3\n4,5\n".getBytes(StandardCharsets.UTF_8));
        Path longRow = write("a,b\n1,2\n4,5,6\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> DataTable.readCsv(shortRow)).isInstanceOf(CsvParseException.class);
        assertThatThrownBy(() -> DataTable.readCsv(longRow)).isInstanceOf(CsvParseException.class);
    }

    @Test
    void aFileWithoutHeader_isAnEmptyDataset() throws IOException {
        Path empty = write(new byte[0]);

        assertThatThrownBy(() -> DataTable.readCsv(empty))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.code()).isEqualTo("empty-dataset"));
    }

    @Test
    void of_holdsTheGivenCells() {
        DataTable table = DataTable.of(List.of("a", "b"), List.of(new String[]{"1.5", "x"}, new String[]{null, " 2"}));

        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(List.of(table.cell(0, 0), table.cell(0, 1), table.cell(1, 0), table.cell(1, 1)))
                .containsExactly("1.5", "x", "", " 2");
        assertThat(table.column(0).plainNumbers()[0]).isEqualTo(1.5);
    }

    @Test
    void aFileWithoutQuotes_readInParts_isTheFileReadFrontToBack() throws IOException {
        Random random = new Random(5);
        StringBuilder csv = new StringBuilder("\uFEFFid,x,city,y\r\n");
        for (int r = 0; r < 6000; r++) {
            String x = switch (r % 17) {
                case 0 -> "";
                case 1 -> " 4.5 ";
                case 2 -> "n/a";
                default -> Double.toString(random.nextGaussian());
            };
            csv.append(r).append(',').append(x).append(',').append(r % 5 == 0 ? "Zürich" : "Genève").append(',')
                    .append(random.nextInt(2)).append(r % 3 == 0 ? "\n" : "\r\n");
            if (r % 1500 == 0) {
                csv.append("\n   \n");  // an empty and a blank line
            }
        }
        Path file = write(csv.toString().getBytes(StandardCharsets.UTF_8));

        DataTable whole = DataTable.readCsv(file);
        try (Parallel parallel = new Parallel(3)) {
            DataTable parts = CsvChunks.read(file, parallel, 16 * 1024);

            assertThat(parts).isNotNull();
            assertSameTable(parts, whole);
            assertSameTable(DataTable.readCsv(file, parallel), whole);
        }
        assertThat(whole.columns()).containsExactly("id", "x", "city", "y");
        assertThat(whole.rowCount()).isEqualTo(6000);
    }

    @Test
    void aFileWithQuotes_orAMalformedRecord_orUtf16_isReadFrontToBack() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int r = 0; r < 3000; r++) {
            rows.append(r).append(",").append(r * 0.5).append("\n");
        }
        Path quoted = write(("a,b\n" + rows + "\"5,\n6\",7\n" + rows).getBytes(StandardCharsets.UTF_8));
        Path malformed = write(("a,b\n" + rows + "8,9,10\n" + rows).getBytes(StandardCharsets.UTF_8));
        Path utf16 = write(("\uFEFFa,b\n" + rows + rows).getBytes(StandardCharsets.UTF_16LE));

        try (Parallel parallel = new Parallel(2)) {
            assertThat(CsvChunks.read(quoted, parallel, 16 * 1024)).isNull();
            assertThat(CsvChunks.read(malformed, parallel, 16 * 1024)).isNull();
            assertThat(CsvChunks.read(utf16, parallel, 16 * 1024)).isNull();

            DataTable withQuotes = DataTable.readCsv(quoted, parallel);
            assertSameTable(withQuotes, DataTable.readCsv(quoted));
            assertThat(withQuotes.cell(3000, 0)).isEqualTo("5,\n6");
            assertSameTable(DataTable.readCsv(utf16, parallel), DataTable.readCsv(utf16));
            assertThatThrownBy(() -> DataTable.readCsv(malformed, parallel)).isInstanceOf(CsvParseException.class)
                    .hasMessageContaining("3002");
        }
    }

    private static void assertSameTable(DataTable actual, DataTable expected) {
        assertThat(actual.columns()).isEqualTo(expected.columns());
        assertThat(actual.rowCount()).isEqualTo(expected.rowCount());
        for (int c = 0; c < expected.columns().size(); c++) {
            Column a = actual.column(c);
            Column e = expected.column(c);
            assertThat(a.allPlain()).isEqualTo(e.allPlain());
            for (int r = 0; r < expected.rowCount(); r++) {
                assertThat(actual.cell(r, c)).as("row %d column %d", r, c).isEqualTo(expected.cell(r, c));
                assertThat(a.isPlain(r)).isEqualTo(e.isPlain(r));
                assertThat(Double.doubleToRawLongBits(a.plainNumbers()[r]))
                        .isEqualTo(Double.doubleToRawLongBits(e.plainNumbers()[r]));
            }
        }
    }

    private Path write(byte[] content) throws IOException {
        Path file = Files.createTempFile(dir, "data", ".csv");
        Files.write(file, content);
        return file;
    }
}
