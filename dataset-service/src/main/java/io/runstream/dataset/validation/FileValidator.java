package io.runstream.dataset.validation;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.csv.CsvLineWriter;
import io.runstream.dataset.csv.FieldsHandler;
import io.runstream.dataset.csv.RowBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates one CSV stream in a single pass and writes its validated copy (valid rows only, in the
 * template's column order, canonical values, defaults applied). Without a template, column types
 * are inferred and every well-formed row is kept. Blocking: run it on boundedElastic.
 */
public final class FileValidator {

    /** Told every {@link #PROGRESS_EVERY} rows how many rows were read so far. */
    public interface Progress {
        void rows(long rowsSoFar);
    }

    public static final long PROGRESS_EVERY = 20_000;
    private static final String MISSING = "missing";
    private static final String FIELD_COUNT = "field_count";

    private final DatasetProperties.Validation config;

    public FileValidator(DatasetProperties.Validation config) {
        this.config = config;
    }

    public ValidationOutcome validate(InputStream raw, OutputStream validated, List<ColumnSpec> template, Progress progress) {
        Run run = new Run();
        try (CsvReader<FieldsHandler> reader = CsvFiles.fieldsReader(raw, config.maxFieldChars());
             CsvLineWriter writer = new CsvLineWriter(validated)) {
            Iterator<FieldsHandler> records = reader.iterator();
            if (!records.hasNext()) {
                return run.outcome(List.of(), List.of(), template == null, "the file has no header row", 0);
            }
            List<String> header = trimmed(records.next());
            return template == null
                    ? inferring(header, records, writer, run, progress)
                    : againstTemplate(header, template, records, writer, run, progress);
        } catch (CsvParseException e) {
            return run.outcome(run.header, run.columns, template == null, "unreadable CSV: " + rootMessage(e), run.headerFields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ValidationOutcome againstTemplate(List<String> header, List<ColumnSpec> template, Iterator<FieldsHandler> records,
                                              CsvLineWriter writer, Run run, Progress progress) throws IOException {
        run.header = header;
        run.columns = template;
        run.headerFields = header.size();
        Map<String, Integer> positions = new HashMap<>();
        Map<String, Integer> lowerPositions = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (positions.putIfAbsent(header.get(i), i) != null) {
                run.duplicates.add(header.get(i));
            }
            lowerPositions.putIfAbsent(header.get(i).toLowerCase(Locale.ROOT), i);
        }
        int[] source = new int[template.size()];
        boolean[] used = new boolean[header.size()];
        int previous = -1;
        for (int c = 0; c < template.size(); c++) {
            String name = template.get(c).columnName();
            Integer at = positions.get(name);
            if (at == null) {
                at = lowerPositions.get(name.toLowerCase(Locale.ROOT));
            }
            source[c] = at == null ? -1 : at;
            if (at == null) {
                run.missing.add(name);
            } else {
                used[at] = true;
                run.reordered |= at < previous;
                previous = at;
            }
        }
        for (int i = 0; i < header.size(); i++) {
            if (!used[i] && !run.duplicates.contains(header.get(i))) {
                run.extra.add(header.get(i));
            }
        }
        writer.writeRecord(template.stream().map(ColumnSpec::columnName).toList());
        // canonical values of every type but String are digits, signs, dots, dashes, colons, letters: written as they are
        boolean[] plain = new boolean[template.size()];
        ColumnType[] types = new ColumnType[template.size()];
        for (int c = 0; c < plain.length; c++) {
            types[c] = template.get(c).dataType();
            plain[c] = types[c] != ColumnType.STRING;
        }
        RowBuffer out = new RowBuffer();
        int fields = header.size();
        while (records.hasNext()) {
            FieldsHandler record = records.next();
            long row = ++run.total;
            if (row % PROGRESS_EVERY == 0) {
                progress.rows(row);
            }
            if (record.fields() != fields) {
                run.error(row, record.line(), null, String.valueOf(record.fields()), FIELD_COUNT);
                continue;
            }
            char[] chars = record.chars();
            boolean valid = true;
            out.clear();
            for (int c = 0; c < types.length; c++) {
                int start = 0;
                int end = 0;
                if (source[c] >= 0) {
                    start = record.start(source[c]);
                    end = record.end(source[c]);
                    // String.trim: what is at most a space goes at both ends
                    while (start < end && chars[start] <= ' ') {
                        start++;
                    }
                    while (end > start && chars[end - 1] <= ' ') {
                        end--;
                    }
                }
                if (start == end) {
                    ColumnSpec column = template.get(c);
                    if (column.defaultValue() != null) {
                        if (plain[c]) {
                            out.plain(column.defaultValue());
                        } else {
                            out.text(column.defaultValue());
                        }
                        continue;
                    }
                    run.error(row, record.line(), column.columnName(), "", MISSING);
                    valid = false;
                    continue;
                }
                if (!types[c].appendCanonical(chars, start, end, out)) {
                    run.error(row, record.line(), template.get(c).columnName(), new String(chars, start, end - start),
                            types[c].invalidReason());
                    valid = false;
                }
            }
            if (valid) {
                run.valid++;
                writer.writeRow(out);
            }
        }
        return run.outcome(header, template, false, null, template.size());
    }

    private ValidationOutcome inferring(List<String> rawHeader, Iterator<FieldsHandler> records, CsvLineWriter writer, Run run,
                                        Progress progress) throws IOException {
        List<String> header = new ArrayList<>(rawHeader.size());
        for (int i = 0; i < rawHeader.size(); i++) {
            String name = rawHeader.get(i);
            if (name.isEmpty() || header.contains(name)) {
                if (!name.isEmpty()) {
                    run.duplicates.add(name);
                }
                name = "column_" + (i + 1);
            }
            header.add(name);
        }
        run.header = rawHeader;
        run.headerFields = header.size();
        TypeInference inference = new TypeInference(header.size());
        writer.writeRecord(header);
        RowBuffer out = new RowBuffer();
        int fields = header.size();
        while (records.hasNext()) {
            FieldsHandler record = records.next();
            long row = ++run.total;
            if (row % PROGRESS_EVERY == 0) {
                progress.rows(row);
            }
            if (record.fields() != fields) {
                run.error(row, record.line(), null, String.valueOf(record.fields()), FIELD_COUNT);
                continue;
            }
            char[] chars = record.chars();
            out.clear();
            for (int c = 0; c < fields; c++) {
                int start = record.start(c);
                int end = record.end(c);
                while (start < end && chars[start] <= ' ') {
                    start++;
                }
                while (end > start && chars[end - 1] <= ' ') {
                    end--;
                }
                inference.accept(c, chars, start, end);
                out.text(chars, start, end);
            }
            run.valid++;
            writer.writeRow(out);
        }
        List<ColumnSpec> columns = new ArrayList<>(header.size());
        for (int c = 0; c < header.size(); c++) {
            columns.add(new ColumnSpec(header.get(c), inference.type(c), null));
        }
        run.columns = columns;
        return run.outcome(rawHeader, columns, true, null, header.size());
    }

    private static List<String> trimmed(FieldsHandler record) {
        List<String> fields = new ArrayList<>(record.fields());
        for (int i = 0; i < record.fields(); i++) {
            fields.add(record.field(i).trim());
        }
        return List.copyOf(fields);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? e.getMessage() : cause.getMessage();
    }

    /** The counters of one pass. */
    private final class Run {
        long total;
        long valid;
        long invalidRows;
        long lastInvalidRow = -1;
        int headerFields;
        List<String> header = List.of();
        List<ColumnSpec> columns = List.of();
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        boolean reordered;
        final Map<String, Long> byReason = new TreeMap<>();
        final List<ErrorReport.RowError> errors = new ArrayList<>();
        boolean truncated;

        void error(long row, long line, String column, String value, String reason) {
            byReason.merge(reason, 1L, Long::sum);
            if (row != lastInvalidRow) {
                invalidRows++;
                lastInvalidRow = row;
            }
            if (errors.size() < config.maxReportedErrors()) {
                errors.add(new ErrorReport.RowError(row, line, column, cut(value), reason));
            } else {
                truncated = true;
            }
        }

        private String cut(String value) {
            int max = config.maxReportedValueChars();
            return value.length() <= max ? value : value.substring(0, max) + "…";
        }

        ValidationOutcome outcome(List<String> header, List<ColumnSpec> columns, boolean inferred, String parseError,
                                  int fields) {
            double usability = total == 0 ? 0 : (double) valid / total;
            boolean isValid = parseError == null && total > 0 && usability >= config.validThreshold();
            var headerReport = new ErrorReport.HeaderReport(header, List.copyOf(missing), List.copyOf(extra),
                    List.copyOf(duplicates), reordered, inferred);
            var report = new ErrorReport(total, valid, total - valid, usability, isValid, headerReport,
                    new LinkedHashMap<>(byReason), List.copyOf(errors), truncated, parseError);
            return new ValidationOutcome(fields, total, valid, columns, report);
        }
    }
}
