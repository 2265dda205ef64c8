package io.runstream.dataset.validation;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.csv.CsvLineWriter;

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
        try (CsvReader<CsvRecord> reader = CsvFiles.reader(raw, config.maxFieldChars());
             CsvLineWriter writer = new CsvLineWriter(validated)) {
            Iterator<CsvRecord> records = reader.iterator();
            if (!records.hasNext()) {
                return run.outcome(List.of(), List.of(), template == null, "the file has no header row", 0);
            }
            List<String> header = trimmed(records.next().getFields());
            return template == null
                    ? inferring(header, records, writer, run, progress)
                    : againstTemplate(header, template, records, writer, run, progress);
        } catch (CsvParseException e) {
            return run.outcome(run.header, run.columns, template == null, "unreadable CSV: " + rootMessage(e), run.headerFields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ValidationOutcome againstTemplate(List<String> header, List<ColumnSpec> template, Iterator<CsvRecord> records,
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
        String[] out = new String[template.size()];
        // canonical values of every type but String are digits, signs, dots, dashes, colons, letters
        boolean[] plain = new boolean[template.size()];
        for (int c = 0; c < plain.length; c++) {
            plain[c] = template.get(c).dataType() != ColumnType.STRING;
        }
        while (records.hasNext()) {
            CsvRecord record = records.next();
            long row = ++run.total;
            if (row % PROGRESS_EVERY == 0) {
                progress.rows(row);
            }
            if (record.getFieldCount() != header.size()) {
                run.error(row, record.getStartingLineNumber(), null, String.valueOf(record.getFieldCount()), FIELD_COUNT);
                continue;
            }
            boolean valid = true;
            for (int c = 0; c < out.length; c++) {
                ColumnSpec column = template.get(c);
                String value = source[c] < 0 ? "" : record.getField(source[c]).trim();
                if (value.isEmpty()) {
                    if (column.defaultValue() != null) {
                        out[c] = column.defaultValue();
                        continue;
                    }
                    run.error(row, record.getStartingLineNumber(), column.columnName(), "", MISSING);
                    valid = false;
                    continue;
                }
                String canonical = column.dataType().canonical(value);
                if (canonical == null) {
                    run.error(row, record.getStartingLineNumber(), column.columnName(), value, column.dataType().invalidReason());
                    valid = false;
                } else {
                    out[c] = canonical;
                }
            }
            if (valid) {
                run.valid++;
                writer.writeRecord(out, plain);
            }
        }
        return run.outcome(header, template, false, null, template.size());
    }

    private ValidationOutcome inferring(List<String> rawHeader, Iterator<CsvRecord> records, CsvLineWriter writer, Run run,
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
        String[] out = new String[header.size()];
        while (records.hasNext()) {
            CsvRecord record = records.next();
            long row = ++run.total;
            if (row % PROGRESS_EVERY == 0) {
                progress.rows(row);
            }
            if (record.getFieldCount() != header.size()) {
                run.error(row, record.getStartingLineNumber(), null, String.valueOf(record.getFieldCount()), FIELD_COUNT);
                continue;
            }
            for (int c = 0; c < out.length; c++) {
                out[c] = record.getField(c).trim();
                inference.accept(c, out[c]);
            }
            run.valid++;
            writer.writeRecord(out, null);
        }
        List<ColumnSpec> columns = new ArrayList<>(header.size());
        for (int c = 0; c < header.size(); c++) {
            columns.add(new ColumnSpec(header.get(c), inference.type(c), null));
        }
        run.columns = columns;
        return run.outcome(rawHeader, columns, true, null, header.size());
    }

    private static List<String> trimmed(List<String> fields) {
        return fields.stream().map(String::trim).toList();
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
