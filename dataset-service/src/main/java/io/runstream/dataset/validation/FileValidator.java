package io.runstream.dataset.validation;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.csv.CsvLineWriter;
import io.runstream.dataset.csv.FieldsHandler;
import io.runstream.dataset.csv.RowBuffer;

import io.runstream.dataset.csv.CsvChunks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * Validates one CSV stream in a single pass and writes its validated copy (valid rows only, in the
 * template's column order, canonical values, defaults applied). Without a template, column types
 * are inferred and every well-formed row is kept. With {@code runstream.dataset.validation.parallelism}
 * above one (default: one per core) the stream is cut into chunks at record ends that several threads
 * validate, merged in order into the same outcome and copy. Blocking: run it on boundedElastic.
 */
public final class FileValidator {

    /** Told every {@link #PROGRESS_EVERY} rows how many rows were read so far. */
    public interface Progress {
        void rows(long rowsSoFar);
    }

    public static final long PROGRESS_EVERY = 20_000;
    /** A chunk that one thread validates when a file is validated by several ({@link CsvChunks}). */
    static final int CHUNK_BYTES = 1 << 20;
    private static final String MISSING = "missing";
    private static final String FIELD_COUNT = "field_count";
    private static final Progress NO_PROGRESS = rows -> {
    };
    private static final Pattern LINE_NUMBER = Pattern.compile("line (\\d+)");
    /**
     * The chunk validators of every file, one per core: their own threads, because the thread that cuts and merges
     * waits for them and may itself be one of boundedElastic's, which a burst of validations could otherwise fill
     * with threads waiting for tasks queued behind them.
     */
    private static final Scheduler CHUNK_WORKERS = Schedulers.newBoundedElastic(
            Math.max(2, Runtime.getRuntime().availableProcessors()), Integer.MAX_VALUE, "csv-chunk", 60, true);

    private final DatasetProperties.Validation config;
    private final int threads;
    private final int chunkBytes;

    public FileValidator(DatasetProperties.Validation config) {
        this(config, config.parallelism() > 0 ? config.parallelism() : Runtime.getRuntime().availableProcessors(),
                CHUNK_BYTES);
    }

    /** @param threads how many threads validate one file (1: the calling thread alone) */
    FileValidator(DatasetProperties.Validation config, int threads, int chunkBytes) {
        this.config = config;
        this.threads = Math.max(1, threads);
        this.chunkBytes = chunkBytes;
    }

    public ValidationOutcome validate(InputStream raw, OutputStream validated, List<ColumnSpec> template, Progress progress) {
        try {
            return threads == 1 ? sequential(raw, validated, template, progress)
                    : chunked(raw, validated, template, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole stream through one reader on the calling thread. */
    private ValidationOutcome sequential(InputStream raw, OutputStream validated, List<ColumnSpec> template,
                                         Progress progress) throws IOException {
        Header head = new Header(template);
        Rows rows = new Rows(config);
        try (CsvReader<FieldsHandler> reader = CsvFiles.fieldsReader(raw, config.maxFieldChars());
             CsvLineWriter writer = new CsvLineWriter(validated)) {
            Iterator<FieldsHandler> records = reader.iterator();
            if (!records.hasNext()) {
                return head.noHeader(rows);
            }
            RowCheck check = head.read(records.next());
            writer.writeRecord(check.outputHeader());
            check.rows(records, writer, rows, progress);
        } catch (CsvParseException e) {
            rows.parseError = rootMessage(e);
        }
        return head.outcome(rows);
    }

    /**
     * The stream cut into chunks at record ends ({@link CsvChunks}), each validated by a worker into its own
     * copy and counters, merged in order here: the same outcome and copy as {@link #sequential}, row and line
     * numbers included. At most {@code threads + 1} chunks are in flight; this thread reads, cuts and merges.
     */
    private ValidationOutcome chunked(InputStream raw, OutputStream validated, List<ColumnSpec> template,
                                      Progress progress) throws IOException {
        CsvChunks chunks = new CsvChunks(raw, chunkBytes, 4 * chunkBytes);
        Header head = new Header(template);
        Rows rows = new Rows(config);
        CsvChunks.Chunk first = chunks.next();
        if (first == null) {
            return head.noHeader(rows);
        }
        if (first.rest()) {
            // no record end within the limit: the file is read as one
            return sequential(first.open(), validated, template, progress);
        }
        CsvReader<FieldsHandler> firstReader = CsvFiles.fieldsReader(first.open(), config.maxFieldChars());
        Iterator<FieldsHandler> firstRecords;
        FieldsHandler headerRecord;
        try {
            firstRecords = firstReader.iterator();
            headerRecord = firstRecords.hasNext() ? firstRecords.next() : null;
        } catch (CsvParseException e) {
            // the chunk holds the whole header record: it fails as it would in the stream
            firstReader.close();
            rows.parseError = rootMessage(e);
            return head.outcome(rows);
        }
        if (headerRecord == null) {
            firstReader.close();
            // blank lines only in the first chunk: the file is read as one
            return sequential(new SequenceInputStream(first.open(), chunks.remainder()), validated, template, progress);
        }
        RowCheck check = head.read(headerRecord);
        ByteArrayOutputStream headerLine = new ByteArrayOutputStream();
        try (CsvLineWriter writer = new CsvLineWriter(headerLine)) {
            writer.writeRecord(check.outputHeader());
        }
        headerLine.writeTo(validated);

        Merge merge = new Merge(chunks, rows, validated);
        Deque<CompletableFuture<ChunkResult>> inFlight = new ArrayDeque<>();
        ByteArrayOutputStream firstCopy = merge.copy();
        inFlight.add(submit(() -> validateChunk(firstReader, firstRecords, check, first, firstCopy)));
        try {
            while (rows.parseError == null) {
                // one chunk more than workers: the next one waits ready while this thread merges
                CsvChunks.Chunk chunk = inFlight.size() <= threads ? chunks.next() : null;
                if (chunk != null && !chunk.rest()) {
                    ByteArrayOutputStream copy = merge.copy();
                    inFlight.add(submit(() -> validateChunk(chunk, check, copy)));
                } else if (chunk != null) {
                    // no record end within the limit: once every chunk before it is merged, the rest is read here
                    while (!inFlight.isEmpty() && rows.parseError == null) {
                        merge.add(join(inFlight.poll()), progress);
                    }
                    if (rows.parseError == null) {
                        merge.add(validateChunk(chunk, check, merge.copy()), progress);
                    }
                    break;
                } else if (inFlight.isEmpty()) {
                    break;
                } else {
                    merge.add(join(inFlight.poll()), progress);
                }
            }
        } finally {
            // a failed merge or a throwing progress (a cancelled run): the workers' results are dropped
            inFlight.forEach(future -> future.cancel(false));
        }
        return head.outcome(rows);
    }

    /**
     * Merges chunk results in order into the file's counters and copy, up to the first that ended the file (a parse
     * error), and recycles their arrays: a file's validation reuses a few chunk and copy buffers instead of leaving
     * two arrays of a chunk's size to the collector per chunk.
     */
    private final class Merge {
        private final CsvChunks chunks;
        private final Rows rows;
        private final OutputStream validated;
        private final Deque<ByteArrayOutputStream> copies = new ArrayDeque<>();
        private long nextProgress = PROGRESS_EVERY;

        Merge(CsvChunks chunks, Rows rows, OutputStream validated) {
            this.chunks = chunks;
            this.rows = rows;
            this.validated = validated;
        }

        ByteArrayOutputStream copy() {
            ByteArrayOutputStream copy = copies.poll();
            return copy != null ? copy : new ByteArrayOutputStream(chunkBytes + chunkBytes / 4);
        }

        /** Merges the next chunk's result, unless an earlier one ended the file; tells progress every 20 000 rows. */
        void add(ChunkResult result, Progress progress) throws IOException {
            if (rows.parseError != null) {
                return;
            }
            result.copy().writeTo(validated);
            rows.append(result.rows(), result.chunk().firstLine() - 1);
            chunks.recycle(result.chunk());
            result.copy().reset();
            copies.add(result.copy());
            if (rows.total >= nextProgress) {
                progress.rows(rows.total);
                nextProgress = (rows.total / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
            }
        }
    }

    private static CompletableFuture<ChunkResult> submit(Callable<ChunkResult> task) {
        CompletableFuture<ChunkResult> future = new CompletableFuture<>();
        CHUNK_WORKERS.schedule(() -> {
            try {
                future.complete(task.call());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private static ChunkResult join(CompletableFuture<ChunkResult> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while validating");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private ChunkResult validateChunk(CsvChunks.Chunk chunk, RowCheck check, ByteArrayOutputStream copy) throws IOException {
        CsvReader<FieldsHandler> reader = CsvFiles.fieldsReader(chunk.open(), config.maxFieldChars());
        return validateChunk(reader, null, check, chunk, copy);
    }

    /** One chunk's rows into its own copy and counters (row and line numbers relative to the chunk). */
    private ChunkResult validateChunk(CsvReader<FieldsHandler> reader, Iterator<FieldsHandler> records, RowCheck check,
                                      CsvChunks.Chunk chunk, ByteArrayOutputStream copy) throws IOException {
        Rows rows = new Rows(config);
        try (reader; CsvLineWriter writer = new CsvLineWriter(copy)) {
            check.rows(records == null ? reader.iterator() : records, writer, rows, NO_PROGRESS);
        } catch (CsvParseException e) {
            rows.parseError = shiftLines(rootMessage(e), chunk.firstLine() - 1);
        }
        return new ChunkResult(rows, copy, chunk);
    }

    /** FastCSV's messages name lines of the chunk it read: made lines of the file. */
    static String shiftLines(String message, long offset) {
        if (offset == 0 || message == null) {
            return message;
        }
        return LINE_NUMBER.matcher(message).replaceAll(match -> "line " + (Long.parseLong(match.group(1)) + offset));
    }

    private record ChunkResult(Rows rows, ByteArrayOutputStream copy, CsvChunks.Chunk chunk) {
    }

    /** The rows after the header: checked, counted, the valid ones written to the copy. */
    private interface RowCheck {
        List<String> outputHeader();

        void rows(Iterator<FieldsHandler> records, CsvLineWriter writer, Rows rows, Progress progress) throws IOException;
    }

    /** The file's header, what it says about the template, and the check of the rows that follow it. */
    private final class Header {
        final List<ColumnSpec> template;
        List<String> header = List.of();
        List<ColumnSpec> columns = List.of();
        int headerFields;
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        boolean reordered;
        List<String> inferredNames;

        Header(List<ColumnSpec> template) {
            this.template = template;
        }

        ValidationOutcome noHeader(Rows rows) {
            return outcome(List.of(), List.of(), "the file has no header row", 0, rows);
        }

        RowCheck read(FieldsHandler record) {
            List<String> names = trimmed(record);
            return template == null ? inferring(names) : againstTemplate(names);
        }

        ValidationOutcome outcome(Rows rows) {
            if (template == null && rows.inference != null && rows.parseError == null) {
                List<ColumnSpec> inferred = new ArrayList<>(inferredNames.size());
                for (int c = 0; c < inferredNames.size(); c++) {
                    inferred.add(new ColumnSpec(inferredNames.get(c), rows.inference.type(c), null));
                }
                columns = inferred;
            }
            int fields = rows.parseError == null ? (template == null ? header.size() : template.size()) : headerFields;
            return outcome(header, columns, rows.parseError == null ? null : "unreadable CSV: " + rows.parseError, fields, rows);
        }

        private ValidationOutcome outcome(List<String> header, List<ColumnSpec> columns, String parseError, int fields,
                                          Rows rows) {
            long total = rows.total;
            long valid = rows.valid;
            double usability = total == 0 ? 0 : (double) valid / total;
            boolean isValid = parseError == null && total > 0 && usability >= config.validThreshold();
            var headerReport = new ErrorReport.HeaderReport(header, List.copyOf(missing), List.copyOf(extra),
                    List.copyOf(duplicates), reordered, template == null);
            var report = new ErrorReport(total, valid, total - valid, usability, isValid, headerReport,
                    new LinkedHashMap<>(rows.byReason), List.copyOf(rows.errors), rows.truncated, parseError);
            return new ValidationOutcome(fields, total, valid, columns, report);
        }

        private RowCheck againstTemplate(List<String> header) {
            this.header = header;
            this.columns = template;
            this.headerFields = header.size();
            Map<String, Integer> positions = new HashMap<>();
            Map<String, Integer> lowerPositions = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (positions.putIfAbsent(header.get(i), i) != null) {
                    duplicates.add(header.get(i));
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
            return new TemplateCheck(template, source, header.size());
        }

        private RowCheck inferring(List<String> rawHeader) {
            List<String> names = new ArrayList<>(rawHeader.size());
            for (int i = 0; i < rawHeader.size(); i++) {
                String name = rawHeader.get(i);
                if (name.isEmpty() || names.contains(name)) {
                    if (!name.isEmpty()) {
                        duplicates.add(name);
                    }
                    name = "column_" + (i + 1);
                }
                names.add(name);
            }
            this.header = rawHeader;
            this.headerFields = names.size();
            this.inferredNames = names;
            return new InferringCheck(names);
        }
    }

    private static final class TemplateCheck implements RowCheck {
        private final List<ColumnSpec> template;
        private final int[] source;
        private final int fields;
        private final ColumnType[] types;
        // canonical values of every type but String are digits, signs, dots, dashes, colons, letters: written as they are
        private final boolean[] plain;

        TemplateCheck(List<ColumnSpec> template, int[] source, int fields) {
            this.template = template;
            this.source = source;
            this.fields = fields;
            this.types = new ColumnType[template.size()];
            this.plain = new boolean[template.size()];
            for (int c = 0; c < types.length; c++) {
                types[c] = template.get(c).dataType();
                plain[c] = types[c] != ColumnType.STRING;
            }
        }

        @Override
        public List<String> outputHeader() {
            return template.stream().map(ColumnSpec::columnName).toList();
        }

        @Override
        public void rows(Iterator<FieldsHandler> records, CsvLineWriter writer, Rows rows, Progress progress) throws IOException {
            RowBuffer out = new RowBuffer();
            FieldsHandler record;
            while ((record = nextRow(records, fields, rows, progress)) != null) {
                long row = rows.total;
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
                        rows.error(row, record.line(), column.columnName(), "", MISSING);
                        valid = false;
                        continue;
                    }
                    if (!types[c].appendCanonical(chars, start, end, out)) {
                        rows.error(row, record.line(), template.get(c).columnName(), new String(chars, start, end - start),
                                types[c].invalidReason());
                        valid = false;
                    }
                }
                if (valid) {
                    rows.valid++;
                    writer.writeRow(out);
                }
            }
        }
    }

    private static final class InferringCheck implements RowCheck {
        private final List<String> names;

        InferringCheck(List<String> names) {
            this.names = names;
        }

        @Override
        public List<String> outputHeader() {
            return names;
        }

        @Override
        public void rows(Iterator<FieldsHandler> records, CsvLineWriter writer, Rows rows, Progress progress) throws IOException {
            if (rows.inference == null) {
                rows.inference = new TypeInference(names.size());
            }
            TypeInference inference = rows.inference;
            RowBuffer out = new RowBuffer();
            int fields = names.size();
            FieldsHandler record;
            while ((record = nextRow(records, fields, rows, progress)) != null) {
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
                rows.valid++;
                writer.writeRow(out);
            }
        }
    }

    /**
     * The next record with the header's number of fields, or null after the last: every record read is counted
     * (a row), a ragged one is reported as such and skipped.
     */
    private static FieldsHandler nextRow(Iterator<FieldsHandler> records, int fields, Rows rows, Progress progress) {
        while (records.hasNext()) {
            FieldsHandler record = records.next();
            long row = ++rows.total;
            if (row % PROGRESS_EVERY == 0) {
                progress.rows(row);
            }
            if (record.fields() == fields) {
                return record;
            }
            rows.error(row, record.line(), null, String.valueOf(record.fields()), FIELD_COUNT);
        }
        return null;
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

    /** The row counters of a file or of one of its chunks. */
    private static final class Rows {
        private final DatasetProperties.Validation config;
        long total;
        long valid;
        final Map<String, Long> byReason = new TreeMap<>();
        final List<ErrorReport.RowError> errors = new ArrayList<>();
        boolean truncated;
        String parseError;
        TypeInference inference;

        Rows(DatasetProperties.Validation config) {
            this.config = config;
        }

        void error(long row, long line, String column, String value, String reason) {
            byReason.merge(reason, 1L, Long::sum);
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

        /** The next chunk's counters, its rows numbered after these and its lines shifted by {@code lineOffset}. */
        void append(Rows chunk, long lineOffset) {
            long rowOffset = total;
            for (ErrorReport.RowError error : chunk.errors) {
                if (errors.size() < config.maxReportedErrors()) {
                    errors.add(new ErrorReport.RowError(error.row() + rowOffset, error.line() + lineOffset, error.column(),
                            error.value(), error.reason()));
                } else {
                    truncated = true;
                }
            }
            truncated |= chunk.truncated;
            chunk.byReason.forEach((reason, count) -> byReason.merge(reason, count, Long::sum));
            total += chunk.total;
            valid += chunk.valid;
            if (chunk.inference != null) {
                if (inference == null) {
                    inference = chunk.inference;
                } else {
                    inference.merge(chunk.inference);
                }
            }
            parseError = chunk.parseError;
        }
    }
}
