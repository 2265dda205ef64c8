package io.runstream.dataset.validation;

import io.runstream.dataset.DatasetProperties;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file validated in chunks by several threads gives the outcome and validated copy of the same file read in one
 * pass (row and line numbers, error lists and their cap, inferred types and parse errors included), whatever the
 * chunk size: random CSVs with quoted separators and line breaks, CR, LF and CRLF rows, blank lines, a BOM, ragged
 * rows, invalid values and malformed quoting.
 */
class ChunkedValidationParityTest {

    /**
     * FastCSV's field limit is checked when it refills its buffer, so where a file's reads start decides the exact
     * length that fails; with a limit far above the read size (8 Ki characters) as in production, a field either fits
     * or clearly does not.
     */
    static final int MAX_FIELD = 1 << 20;
    static final DatasetProperties.Validation CONFIG = new DatasetProperties.Validation(0, 0.8, 7, 80, MAX_FIELD, 20, 0);
    static final List<ColumnSpec> TEMPLATE = List.of(
            new ColumnSpec("id", ColumnType.INTEGER, null),
            new ColumnSpec("amount", ColumnType.FLOAT, "0"),
            new ColumnSpec("flag", ColumnType.BOOLEAN, null),
            new ColumnSpec("day", ColumnType.DATE, null),
            new ColumnSpec("note", ColumnType.STRING, "none"));
    static final String[] VALUES = {"1", "42", "-7", "2.5", "x", "true", "no", "2026-01-02", "2026-13-40", "", " 3 ",
            "\"q,uo\"\"te\"", "\"multi\nline\"", "\"cr\rin\"", "\"crlf\r\nin\"", "é", "\"\"", "\"12\"", "a\"b"};

    @Test
    void chunkedValidation_equalsTheSinglePass_onRandomFiles() {
        Random random = new Random(23);
        FileValidator single = new FileValidator(CONFIG, 1, FileValidator.CHUNK_BYTES);
        for (int round = 0; round < 1500; round++) {
            byte[] csv = randomCsv(random);
            List<ColumnSpec> template = random.nextInt(3) == 0 ? null : TEMPLATE;
            Result expected = run(single, csv, template);
            FileValidator chunked = new FileValidator(CONFIG, 2 + random.nextInt(2), 1 + random.nextInt(300));
            Result actual = run(chunked, csv, template);
            assertThat(actual.outcome()).as("round %d, file:%n%s", round, new String(csv, StandardCharsets.UTF_8))
                    .isEqualTo(expected.outcome());
            assertThat(actual.copy()).as("round %d copy", round).isEqualTo(expected.copy());
        }
    }

    @Test
    void aLargeFile_inChunksOfTheDefaultSize_equalsTheSinglePass_andReportsProgress() {
        StringBuilder csv = new StringBuilder("id,amount,flag,day,note\r\n");
        for (int i = 1; i <= 300_000; i++) {
            csv.append(i % 1000 == 0 ? "x" : i).append(',').append(i * 0.5).append(",true,2026-01-")
                    .append(i % 28 + 1 < 10 ? "0" : "").append(i % 28 + 1).append(",\"n, ").append(i).append("\"\r\n");
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        DatasetProperties.Validation config = new DatasetProperties.Validation(0, 0.8, 100, 80, 1 << 20, 20, 0);
        Result expected = run(new FileValidator(config, 1, FileValidator.CHUNK_BYTES), bytes, TEMPLATE);
        AtomicLong progress = new AtomicLong();
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        ValidationOutcome outcome = new FileValidator(config, 2, FileValidator.CHUNK_BYTES)
                .validate(new ByteArrayInputStream(bytes), copy, TEMPLATE, progress::set);
        assertThat(outcome).isEqualTo(expected.outcome());
        assertThat(copy.toString(StandardCharsets.UTF_8)).isEqualTo(expected.copy());
        assertThat(outcome.validRecords()).isEqualTo(300_000 - 300);
        assertThat(outcome.report().errors().get(99).line()).isEqualTo(100 * 1000 + 1);
        assertThat(progress.get()).isGreaterThanOrEqualTo(FileValidator.PROGRESS_EVERY);
    }

    @Test
    void messagesOfAChunk_nameLinesOfTheFile() {
        assertThat(FileValidator.shiftLines("Unclosed quoted field at end of input (record starting at line 3)", 40))
                .isEqualTo("Unclosed quoted field at end of input (record starting at line 43)");
        assertThat(FileValidator.shiftLines("no line number here", 40)).isEqualTo("no line number here");
    }

    record Result(ValidationOutcome outcome, String copy) {
    }

    private static Result run(FileValidator validator, byte[] csv, List<ColumnSpec> template) {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        ValidationOutcome outcome = validator.validate(new ByteArrayInputStream(csv), copy, template, rows -> {
        });
        return new Result(outcome, copy.toString(StandardCharsets.UTF_8));
    }

    private static byte[] randomCsv(Random random) {
        String[] ends = {"\n", "\r\n", "\r"};
        String end = ends[random.nextInt(ends.length)];
        boolean mixed = random.nextInt(5) == 0;
        StringBuilder csv = new StringBuilder();
        if (random.nextInt(8) == 0) {
            csv.append('\uFEFF');
        }
        if (random.nextInt(10) == 0) {
            csv.append(end);
        }
        List<String> header = new ArrayList<>(List.of("id", "amount", "flag", "day", "note"));
        if (random.nextInt(4) == 0) {
            header.add("extra");
        }
        if (random.nextInt(4) == 0) {
            header.remove(1 + random.nextInt(3));
        }
        if (random.nextInt(5) == 0) {
            header.add(0, header.remove(header.size() - 1));
        }
        csv.append(String.join(",", header));
        int rows = random.nextInt(5) == 0 ? random.nextInt(3) : random.nextInt(60);
        for (int r = 0; r < rows; r++) {
            csv.append(mixed ? ends[random.nextInt(ends.length)] : end);
            if (random.nextInt(15) == 0) {
                csv.append(mixed ? ends[random.nextInt(ends.length)] : end);
            }
            int fields = header.size() + (random.nextInt(12) == 0 ? random.nextInt(3) - 1 : 0);
            for (int f = 0; f < fields; f++) {
                if (f > 0) {
                    csv.append(',');
                }
                csv.append(VALUES[random.nextInt(VALUES.length)]);
            }
        }
        switch (random.nextInt(30)) {
            case 0 -> csv.append(end).append("1,\"unclosed");
            case 1 -> csv.append(end).append("1,\"closed\"x,true");
            case 2 -> csv.append(end).append("1,").append("y".repeat(MAX_FIELD + MAX_FIELD / 2));
            default -> {
                if (random.nextBoolean()) {
                    csv.append(end);
                }
            }
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
