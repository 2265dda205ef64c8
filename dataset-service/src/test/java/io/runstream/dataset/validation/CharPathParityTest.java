package io.runstream.dataset.validation;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.csv.CsvLineWriter;
import io.runstream.dataset.csv.RowBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator checks types and writes validated copies from FastCSV's characters (FieldsHandler, RowBuffer,
 * ColumnType.appendCanonical) instead of a String per field. These tests hold it to the String path it replaced:
 * every value answers what {@link ColumnType#canonical(String)} answers, and whole files — quotes, embedded line
 * breaks, BOM, CRLF, a 10 MB field, ragged rows — give the same validated copy and report as a reference validator
 * written on FastCSV's record API.
 */
class CharPathParityTest {

    private static final DatasetProperties.Validation CONFIG =
            new DatasetProperties.Validation(1 << 20, 0.8, 100, 80, 16 * 1024 * 1024, 20, 1);

    private static final List<String> VALUES = List.of("0", "-0", "+0", "+", "-", "12", "+12", "-12", "007",
            "123456789012345678", "1234567890123456789", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "+9223372036854775807", "12345678901234567890", "1.5", "-1.5", "+.5", ".5", "5.", ".", "1e5", "1E-5", "1e", "1e400",
            "-1e400", "1.2.3", "NaN", "Infinity", "0x1F", "1d", "1f", "١٢", "١.٥", "١e٥", "true", "TRUE", "True", "t", "T", "yes",
            "YES", "y", "Y", "1", "false", "F", "no", "NO", "n", "N", "0", "tru", "yess", "İ", "ı", "2024-02-29", "2023-02-29",
            "2024-13-01", "2024-00-10", "2024-01-32", "+12024-01-01", "2024-1-01", "20240101", "2024-01-01T10:00:00",
            "2024-01-01T10:00:05", "2024-01-01 10:00:00", "2024-01-01 10:00:05", "2024-01-01T10:00:00Z", "2024-01-01 10:00:05Z",
            "2024-01-01T24:00:00", "2024-01-01T23:60:00", "2024-01-01T10:00", "2024-01-01 10:00", "2024-01-01T10:00:00.5",
            "2024-01-01T10:00:00.123456789", "2024-01-01T10:00:00+02:00", "2024-01-01T10:00:00-00:30", "2024-01-01X10:00:00",
            "2024-01-01T10:00:00z", "abc", "a,b", "say \"hi\"", "line\nbreak", "cr\rcr", "über", "日本");

    @Test
    void everyValue_answersWhatTheStringPathAnswers() throws Exception {
        List<String> values = new ArrayList<>(VALUES);
        Random random = new Random(7);
        String alphabet = "0123456789+-.eE:TZ tfyn ";
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[1 + random.nextInt(22)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String value = new String(chars).trim();
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
        for (int i = 0; i < 20_000; i++) {
            values.add(String.format("%04d-%02d-%02d%s%02d:%02d:%02d%s", 1900 + random.nextInt(300), random.nextInt(14),
                    random.nextInt(33), random.nextBoolean() ? "T" : " ", random.nextInt(26), random.nextInt(62),
                    random.nextInt(2) * random.nextInt(61), random.nextBoolean() ? "Z" : ""));
        }
        for (ColumnType type : ColumnType.values()) {
            for (String value : values) {
                char[] padded = ("\"" + value + "\"").toCharArray();
                RowBuffer row = new RowBuffer();
                boolean accepted = type.appendCanonical(padded, 1, padded.length - 1, row);
                String expected = type.canonical(value);
                assertThat(accepted).as(type + " " + value).isEqualTo(expected != null);
                assertThat(type.accepts(padded, 1, padded.length - 1)).as(type + " " + value).isEqualTo(expected != null);
                if (accepted) {
                    assertThat(written(row)).as(type + " " + value).isEqualTo(expectedField(type, expected));
                }
            }
        }
    }

    @Test
    void wholeFiles_giveTheSameCopyAndReport_asTheRecordApi() throws Exception {
        String big = "x".repeat(10 * 1024 * 1024);
        List<String> files = List.of(
                "id,amount,active,day,at,note\n1,1.5,yes,2024-01-01,2024-01-01 10:00:00,plain\n2,x,no,2024-02-30,2024-01-01T10:00:00Z,\"a,b\"\n",
                "\uFEFFid,amount,active,day,at,note\r\n1,2,t,2024-01-01,2024-01-01T10:00:05,\"multi\r\nline \"\"quoted\"\"\"\r\n\r\n3,,,,,\r\n",
                "note,id\n\"embedded\nnewline\",1\n  padded  , 2 \n\"\",3\n4\n5,6,7\n",
                "id,note\n1,\"" + big + "\"\n2,short\n",
                "id,note\n1,\"unclosed\n",
                "ID,Extra,Note\n1,e,n\n",
                "id\n\n\n1\n\"\"\n");
        List<ColumnSpec> template = List.of(new ColumnSpec("id", ColumnType.INTEGER, null),
                new ColumnSpec("amount", ColumnType.FLOAT, "0"), new ColumnSpec("active", ColumnType.BOOLEAN, null),
                new ColumnSpec("day", ColumnType.DATE, "2000-01-01"), new ColumnSpec("at", ColumnType.TIMESTAMP, null),
                new ColumnSpec("note", ColumnType.STRING, "n/a"));
        FileValidator validator = new FileValidator(CONFIG);
        for (String file : files) {
            for (List<ColumnSpec> columns : Arrays.asList(template, null, List.of(new ColumnSpec("id", ColumnType.STRING, "")))) {
                ByteArrayOutputStream actualCopy = new ByteArrayOutputStream();
                ValidationOutcome actual = validator.validate(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                        actualCopy, columns, rows -> {
                        });
                ByteArrayOutputStream expectedCopy = new ByteArrayOutputStream();
                ValidationOutcome expected = reference(file, columns, expectedCopy);
                String what = (columns == null ? "inferred " : columns.size() + " columns ") + file.substring(0, Math.min(60, file.length()));
                assertThat(actual).as(what).isEqualTo(expected);
                assertThat(actualCopy.toString(StandardCharsets.UTF_8)).as(what).isEqualTo(expectedCopy.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** The validator as it was before the character path: a String per field, CsvLineWriter.writeRecord. */
    private static ValidationOutcome reference(String file, List<ColumnSpec> template, ByteArrayOutputStream copy) throws Exception {
        var report = new ReferenceRun();
        try (CsvReader<CsvRecord> reader = CsvFiles.reader(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                CONFIG.maxFieldChars()); CsvLineWriter writer = new CsvLineWriter(copy)) {
            Iterator<CsvRecord> records = reader.iterator();
            if (!records.hasNext()) {
                return report.outcome(List.of(), List.of(), template == null, "the file has no header row", 0);
            }
            List<String> header = records.next().getFields().stream().map(String::trim).toList();
            report.header = header;
            report.headerFields = header.size();
            if (template == null) {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < header.size(); i++) {
                    String name = header.get(i);
                    if (name.isEmpty() || names.contains(name)) {
                        if (!name.isEmpty()) {
                            report.duplicates.add(name);
                        }
                        name = "column_" + (i + 1);
                    }
                    names.add(name);
                }
                TypeInference inference = new TypeInference(names.size());
                writer.writeRecord(names);
                while (records.hasNext()) {
                    CsvRecord record = records.next();
                    long row = ++report.total;
                    if (record.getFieldCount() != names.size()) {
                        report.error(row, record.getStartingLineNumber(), null, String.valueOf(record.getFieldCount()), "field_count");
                        continue;
                    }
                    String[] out = new String[names.size()];
                    for (int c = 0; c < out.length; c++) {
                        out[c] = record.getField(c).trim();
                        inference.accept(c, out[c]);
                    }
                    report.valid++;
                    writer.writeRecord(out, null);
                }
                List<ColumnSpec> columns = new ArrayList<>();
                for (int c = 0; c < names.size(); c++) {
                    columns.add(new ColumnSpec(names.get(c), inference.type(c), null));
                }
                report.columns = columns;
                return report.outcome(header, columns, true, null, names.size());
            }
            report.columns = template;
            int[] source = report.match(header, template);
            writer.writeRecord(template.stream().map(ColumnSpec::columnName).toList());
            boolean[] plain = new boolean[template.size()];
            for (int c = 0; c < plain.length; c++) {
                plain[c] = template.get(c).dataType() != ColumnType.STRING;
            }
            while (records.hasNext()) {
                CsvRecord record = records.next();
                long row = ++report.total;
                if (record.getFieldCount() != header.size()) {
                    report.error(row, record.getStartingLineNumber(), null, String.valueOf(record.getFieldCount()), "field_count");
                    continue;
                }
                String[] out = new String[template.size()];
                boolean valid = true;
                for (int c = 0; c < out.length; c++) {
                    ColumnSpec column = template.get(c);
                    String value = source[c] < 0 ? "" : record.getField(source[c]).trim();
                    if (value.isEmpty()) {
                        if (column.defaultValue() != null) {
                            out[c] = column.defaultValue();
                            continue;
                        }
                        report.error(row, record.getStartingLineNumber(), column.columnName(), "", "missing");
                        valid = false;
                        continue;
                    }
                    String canonical = column.dataType().canonical(value);
                    if (canonical == null) {
                        report.error(row, record.getStartingLineNumber(), column.columnName(), value, column.dataType().invalidReason());
                        valid = false;
                    } else {
                        out[c] = canonical;
                    }
                }
                if (valid) {
                    report.valid++;
                    writer.writeRecord(out, plain);
                }
            }
            return report.outcome(header, template, false, null, template.size());
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return report.outcome(report.header, report.columns, template == null,
                    "unreadable CSV: " + (cause.getMessage() == null ? e.getMessage() : cause.getMessage()), report.headerFields);
        }
    }

    private static String written(RowBuffer row) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvLineWriter writer = new CsvLineWriter(bytes)) {
            writer.writeRow(row);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String expectedField(ColumnType type, String canonical) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvLineWriter writer = new CsvLineWriter(bytes)) {
            writer.writeRecord(new String[]{canonical}, new boolean[]{type != ColumnType.STRING});
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** FileValidator's counters, as they were. */
    private static final class ReferenceRun {
        long total;
        long valid;
        long lastInvalidRow = -1;
        int headerFields;
        List<String> header = List.of();
        List<ColumnSpec> columns = List.of();
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        boolean reordered;
        final java.util.Map<String, Long> byReason = new java.util.TreeMap<>();
        final List<ErrorReport.RowError> errors = new ArrayList<>();
        boolean truncated;

        int[] match(List<String> header, List<ColumnSpec> template) {
            java.util.Map<String, Integer> positions = new java.util.HashMap<>();
            java.util.Map<String, Integer> lower = new java.util.HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (positions.putIfAbsent(header.get(i), i) != null) {
                    duplicates.add(header.get(i));
                }
                lower.putIfAbsent(header.get(i).toLowerCase(java.util.Locale.ROOT), i);
            }
            int[] source = new int[template.size()];
            boolean[] used = new boolean[header.size()];
            int previous = -1;
            for (int c = 0; c < template.size(); c++) {
                String name = template.get(c).columnName();
                Integer at = positions.get(name);
                if (at == null) {
                    at = lower.get(name.toLowerCase(java.util.Locale.ROOT));
                }
                source[c] = at == null ? -1 : at;
                if (at == null) {
                    missing.add(name);
                } else {
                    used[at] = true;
                    reordered |= at < previous;
                    previous = at;
                }
            }
            for (int i = 0; i < header.size(); i++) {
                if (!used[i] && !duplicates.contains(header.get(i))) {
                    extra.add(header.get(i));
                }
            }
            return source;
        }

        void error(long row, long line, String column, String value, String reason) {
            byReason.merge(reason, 1L, Long::sum);
            if (row != lastInvalidRow) {
                lastInvalidRow = row;
            }
            if (errors.size() < CONFIG.maxReportedErrors()) {
                String cut = value.length() <= CONFIG.maxReportedValueChars() ? value
                        : value.substring(0, CONFIG.maxReportedValueChars()) + "…";
                errors.add(new ErrorReport.RowError(row, line, column, cut, reason));
            } else {
                truncated = true;
            }
        }

        ValidationOutcome outcome(List<String> header, List<ColumnSpec> columns, boolean inferred, String parseError, int fields) {
            double usability = total == 0 ? 0 : (double) valid / total;
            boolean isValid = parseError == null && total > 0 && usability >= CONFIG.validThreshold();
            var headerReport = new ErrorReport.HeaderReport(header, List.copyOf(missing), List.copyOf(extra),
                    List.copyOf(duplicates), reordered, inferred);
            var report = new ErrorReport(total, valid, total - valid, usability, isValid, headerReport,
                    new java.util.LinkedHashMap<>(byReason), List.copyOf(errors), truncated, parseError);
            return new ValidationOutcome(fields, total, valid, columns, report);
        }
    }
}
