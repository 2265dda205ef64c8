package io.runstream.training.engine;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Reads a large CSV file as a few parts at once, one per thread, each starting after a line feed.
 * That is only the same as reading it front to back when no record spans a part's start, i.e.
 * when the file has no quote character at all (a quoted field may hold line feeds), and when it is
 * UTF-8 (a line feed byte is then always a line feed). Each part checks its own bytes for quotes
 * as it reads them; when any part meets one, or a malformed record, or fails, the whole read is
 * given up ({@code null}) and the caller reads the file front to back (for FastCSV's own errors).
 */
final class CsvChunks {

    /** Files smaller than this are read front to back: splitting them does not pay. */
    static final long MIN_PART_BYTES = 2L << 20;

    private CsvChunks() {
    }

    /** The table, or {@code null} when the file must be read front to back. */
    static DataTable read(Path file, Parallel parallel) {
        return read(file, parallel, MIN_PART_BYTES);
    }

    static DataTable read(Path file, Parallel parallel, long minPartBytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int parts = (int) Math.min(parallel.threads(), size / minPartBytes);
            if (parts < 2 || !utf8(channel)) {
                return null;
            }
            int columnCount = headerFields(file);
            if (columnCount < 0) {
                return null;
            }
            long[] cuts = cuts(channel, size, parts);
            parts = cuts.length - 1;
            if (parts < 2) {
                return null;
            }
            CsvColumnsHandler[] handlers = new CsvColumnsHandler[parts];
            boolean[] refused = new boolean[parts];
            parallel.forEach(parts, part -> {
                CsvColumnsHandler handler = part == 0 ? new CsvColumnsHandler() : CsvColumnsHandler.chunk(columnCount);
                handlers[part] = handler;
                refused[part] = !readPart(file, cuts[part], cuts[part + 1], part == 0, handler);
            });
            for (int part = 0; part < parts; part++) {
                if (refused[part] || handlers[part].malformed() || handlers[part].columns() == null
                        || handlers[part].columns().length != columnCount) {
                    return null;
                }
            }
            return join(handlers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads bytes {@code [from, to)} into {@code handler}; false when the part must not be used. */
    private static boolean readPart(Path file, long from, long to, boolean first, CsvColumnsHandler handler) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Part bytes = new Part(channel, from, to);
            try (CsvReader<Boolean> reader = CsvReader.builder().detectBomHeader(first)
                    .build(handler, bytes, StandardCharsets.UTF_8)) {
                Iterator<Boolean> records = reader.iterator();
                while (records.hasNext()) {
                    records.next();
                }
            }
            return !bytes.quote;
        } catch (IOException | RuntimeException e) {
            return false;  // read again front to back, which reports it as it should
        }
    }

    private static DataTable join(CsvColumnsHandler[] handlers) {
        int columnCount = handlers[0].columns().length;
        int[] rows = new int[handlers.length];
        int total = 0;
        for (int part = 0; part < handlers.length; part++) {
            rows[part] = handlers[part].rows();
            total += rows[part];
        }
        Column[] columns = new Column[columnCount];
        Column[] pieces = new Column[handlers.length];
        for (int c = 0; c < columnCount; c++) {
            for (int part = 0; part < handlers.length; part++) {
                pieces[part] = handlers[part].columns()[c];
            }
            columns[c] = Column.concat(pieces, rows);
        }
        return new DataTable(handlers[0].header(), columns, total);
    }

    /** Whether the file is UTF-8 as far as its start tells (no UTF-16 or UTF-32 byte order mark). */
    private static boolean utf8(FileChannel channel) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(4);
        channel.read(start, 0);
        byte[] b = Arrays.copyOf(start.array(), start.position());
        boolean utf16 = b.length >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE));
        boolean utf32 = b.length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == (byte) 0xFE && b[3] == (byte) 0xFF;
        return !utf16 && !utf32;
    }

    /** The number of fields of the header record; -1 when there is none. */
    private static int headerFields(Path file) throws IOException {
        try (CsvReader<CsvRecord> reader = CsvReader.builder().detectBomHeader(true).ofCsvRecord(file)) {
            Iterator<CsvRecord> records = reader.iterator();
            return records.hasNext() ? records.next().getFieldCount() : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Where each part starts (just after a line feed) and, last, the file's size; fewer parts when lines are long. */
    static long[] cuts(FileChannel channel, long size, int parts) throws IOException {
        long[] cuts = new long[parts + 1];
        int count = 1;
        ByteBuffer window = ByteBuffer.allocate(64 * 1024);
        for (int k = 1; k < parts; k++) {
            long cut = lineStartFrom(channel, Math.max(size * k / parts, cuts[count - 1] + 1), size, window);
            if (cut < size && cut > cuts[count - 1]) {
                cuts[count++] = cut;
            }
        }
        cuts[count++] = size;
        return Arrays.copyOf(cuts, count);
    }

    /** The position just after the first line feed at or after {@code from}; {@code size} when there is none. */
    private static long lineStartFrom(FileChannel channel, long from, long size, ByteBuffer window) throws IOException {
        long at = from;
        while (at < size) {
            window.clear();
            int read = channel.read(window, at);
            if (read <= 0) {
                break;
            }
            byte[] bytes = window.array();
            for (int i = 0; i < read; i++) {
                if (bytes[i] == '\n') {
                    return at + i + 1;
                }
            }
            at += read;
        }
        return size;
    }

    /** Bytes {@code [from, to)} of a file; ends early, noting it, at the first quote character. */
    private static final class Part extends InputStream {
        private final FileChannel channel;
        private final long to;
        private long position;
        private boolean quote;

        Part(FileChannel channel, long from, long to) {
            this.channel = channel;
            this.position = from;
            this.to = to;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (quote || position >= to) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int read = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, to - position)), position);
            if (read < 0) {
                return -1;
            }
            for (int i = offset; i < offset + read; i++) {
                if (buffer[i] == '"') {
                    quote = true;  // the parts may not start where records start: give up
                    return -1;
                }
            }
            position += read;
            return read;
        }
    }
}
