package io.runstream.dataset.csv;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;

/**
 * Cuts a CSV byte stream into chunks that each parse on their own exactly as they would inside the stream, so that
 * several threads can validate one file: a chunk ends right after a LF that FastCSV reads outside quotes, where its
 * parser is in the state a fresh parser starts in. The quote rules are FastCSV's ({@code StrictCsvParser}): a quote
 * opens a quoted field at a field's start or right after a closing quote (the doubled-quote escape), not inside
 * unquoted data; inside quotes only a quote ends the mode. Bytes suffice: the characters that matter are ASCII,
 * and no byte of a multi-byte UTF-8 character is ASCII.
 * <p>
 * Line breaks are counted as FastCSV numbers lines (a record ends at CR, LF or CRLF; inside quotes a CR, or a LF
 * not after a CR, is one more line), so that a chunk's line numbers can be made the stream's. This follows FastCSV
 * 4.1 to the letter, including its handling of a lone CR inside quotes: the CR's mark survives the closing quote, so
 * a LF right after that field is taken as the CR's LF and ends no record (the record goes on). When no record ends
 * within {@code maxBytes} (one huge record, or an unclosed quote) the chunk is the {@link Chunk#rest rest} of the
 * stream, to be read sequentially.
 * Blocking: call on boundedElastic.
 */
public final class CsvChunks {

    private static final int READ = 64 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int FIELD_START = 0;
    private static final int DATA = 1;
    private static final int QUOTED = 2;
    private static final int AFTER_QUOTE = 3;

    /**
     * {@code bytes[0, length)}, whose first record starts on line {@code firstLine} of the stream; when
     * {@code rest}, the rest of the stream follows them ({@link #open} reads it all).
     */
    public record Chunk(byte[] bytes, int length, long firstLine, boolean rest, InputStream tail) {

        public InputStream open() {
            InputStream head = new ByteArrayInputStream(bytes, 0, length);
            return rest ? new SequenceInputStream(head, tail) : head;
        }
    }

    private final InputStream in;
    private final int targetBytes;
    private final int maxBytes;
    /** A buffer's first size: a chunk and one read beyond it, as the cut comes after the target. */
    private final int capacity;
    private byte[] buf;
    private final Queue<byte[]> recycled = new ArrayDeque<>();
    private int length;
    private int scanned;
    private boolean eof;
    private boolean done;
    private int state = FIELD_START;
    private boolean lastCr;
    private boolean lastEndedByCr;
    private long lines;

    /** Chunks of at least {@code targetBytes} (but the last), at most {@code maxBytes} (else the rest). */
    public CsvChunks(InputStream in, int targetBytes, int maxBytes) {
        this.in = in;
        this.targetBytes = Math.max(1, targetBytes);
        this.maxBytes = Math.max(this.targetBytes, maxBytes);
        this.capacity = Math.min(this.maxBytes, this.targetBytes + READ);
        this.buf = new byte[capacity];
    }

    /** The next chunk, or null after the last. */
    public Chunk next() throws IOException {
        if (done) {
            return null;
        }
        long firstLine = lines + 1;
        while (true) {
            int cut = scan();
            if (cut >= 0) {
                return take(cut, firstLine);
            }
            if (eof) {
                done = true;
                return length == 0 ? null : new Chunk(buf, length, firstLine, false, null);
            }
            if (length >= maxBytes) {
                done = true;
                return new Chunk(buf, length, firstLine, true, in);
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (length == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(maxBytes, buf.length * 2));
        }
        int n = in.read(buf, length, Math.min(READ, buf.length - length));
        if (n < 0) {
            eof = true;
        } else {
            length += n;
        }
    }

    /** Scans on from {@link #scanned}; answers the end of the first record ending at or after the target, or -1. */
    private int scan() {
        int s = state;
        boolean cr = lastCr;
        boolean endedByCr = lastEndedByCr;
        long l = lines;
        byte[] b = buf;
        int i = scanned;
        int end = length;
        int cut = -1;
        while (i < end) {
            int ordinary = skipOrdinary(b, i, end);
            if (ordinary > i) {
                // letters, digits, '.', '-', ':', ',' and the bytes of multi-byte characters, eight at a time: inside
                // quotes they change nothing, outside only the last one matters (a ',' starts a field)
                if (s != QUOTED) {
                    s = b[ordinary - 1] == ',' ? FIELD_START : DATA;
                    cr = false;
                    endedByCr = false;
                }
                i = ordinary;
                if (i == end) {
                    break;
                }
            }
            byte c = b[i++];
            if (s == QUOTED) {
                if (c == '"') {
                    // FastCSV 4.1 keeps the CR mark past the closing quote (see the class comment)
                    s = AFTER_QUOTE;
                } else if (c == '\r') {
                    l++;
                    cr = true;
                } else if (c == '\n') {
                    if (!cr) {
                        l++;
                    }
                    cr = false;
                }
                // and over other characters inside quotes: "\rx\n" is one line
                continue;
            }
            // what reaches here is a control character, a space, '!' or '"' (skipOrdinary took the rest, ',' too)
            boolean recordCr = false;
            if (c == '\r') {
                l++;
                s = FIELD_START;
                cr = true;
                recordCr = true;
            } else if (c == '\n') {
                boolean swallowed = cr;
                s = FIELD_START;
                cr = false;
                if (!swallowed) {
                    l++;
                }
                // a LF after a record-ending CR ends nothing more; after a CR inside quotes it ends nothing at all
                if ((!swallowed || endedByCr) && i >= targetBytes) {
                    cut = i;
                    endedByCr = false;
                    break;
                }
            } else if (c == '"' && s != DATA) {
                s = QUOTED;
                cr = false;
            } else {
                // after a closing quote FastCSV fails here; the chunk that holds it fails the same way
                s = DATA;
                cr = false;
            }
            endedByCr = recordCr;
        }
        state = s;
        lastCr = cr;
        lastEndedByCr = endedByCr;
        lines = l;
        scanned = i;
        return cut;
    }

    /**
     * The first index from {@code i} whose byte is below 0x23 (controls, space, '!', '"'; bytes of multi-byte
     * characters are above), or {@code end}: the only bytes that can change the scan's state but ','.
     */
    static int skipOrdinary(byte[] b, int i, int end) {
        while (i + 8 <= end) {
            long x = (long) LONGS.get(b, i);
            // per byte: bit 7 set where the byte is below 0x23 (exact for the lowest such byte, which is all we use)
            long below = (x - 0x2323232323232323L) & ~x & 0x8080808080808080L;
            if (below != 0) {
                return i + (Long.numberOfTrailingZeros(below) >>> 3);
            }
            i += 8;
        }
        while (i < end && (b[i] >= 0x23 || b[i] < 0)) {
            i++;
        }
        return i;
    }

    private Chunk take(int cut, long firstLine) {
        byte[] chunk = buf;
        int remaining = length - cut;
        byte[] next = recycled.poll();
        if (next == null || next.length < Math.max(remaining, capacity)) {
            next = new byte[Math.max(remaining, capacity)];
        }
        System.arraycopy(chunk, cut, next, 0, remaining);
        buf = next;
        length = remaining;
        scanned = 0;
        return new Chunk(chunk, cut, firstLine, false, null);
    }

    /** A chunk's bytes are no longer used: the array may hold a later chunk (no garbage per chunk). */
    public void recycle(Chunk chunk) {
        if (!chunk.rest() && recycled.size() < 8) {
            recycled.add(chunk.bytes());
        }
    }

    /** What was not handed out as chunks yet, followed by the rest of the stream. */
    public InputStream remainder() {
        done = true;
        return new SequenceInputStream(new ByteArrayInputStream(buf, 0, length), in);
    }
}
