package io.runstream.dataset.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Real CSV (RFC 4180: quoted fields, embedded separators and newlines, CRLF or LF, UTF-8 with or
 * without BOM) read through FastCSV, streaming from byte streams ({@link CsvLineWriter} writes). Blocking: call on
 * boundedElastic.
 */
public final class CsvFiles {

    private static final int SNIFF_BYTES = 8192;

    private CsvFiles() {
    }

    /** A lenient reader: rows of any length come through so that validation can report ragged rows. */
    public static CsvReader<CsvRecord> reader(InputStream in, int maxFieldChars) {
        return builder(maxFieldChars).ofCsvRecord(withoutBom(in), StandardCharsets.UTF_8);
    }

    /** The same reader answering each record as character ranges ({@link FieldsHandler}: no String per field). */
    public static CsvReader<FieldsHandler> fieldsReader(InputStream in, int maxFieldChars) {
        return builder(maxFieldChars).build(new FieldsHandler(), withoutBom(in), StandardCharsets.UTF_8);
    }

    /**
     * The stream without a leading UTF-8 BOM. FastCSV 4.1's own detection ({@code detectBomHeader}) garbles a stream
     * whose first read answers fewer than four bytes (a file of up to three bytes, or the start of a file that is
     * still arriving): "a\n\n" came back as one record holding "\n".
     */
    static InputStream withoutBom(InputStream in) {
        return new BufferedInputStream(in, 1 << 16) {
            private boolean checked;

            @Override
            public synchronized int read() throws IOException {
                skipBom();
                return super.read();
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                skipBom();
                return super.read(b, off, len);
            }

            private void skipBom() throws IOException {
                if (checked) {
                    return;
                }
                checked = true;
                mark(3);
                if (bomLength(readNBytes(3)) == 0) {
                    reset();
                }
            }
        };
    }

    /** 3 when {@code head} starts with a UTF-8 BOM, else 0. */
    private static int bomLength(byte[] head) {
        return head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF ? 3 : 0;
    }

    private static CsvReader.CsvReaderBuilder builder(int maxFieldChars) {
        return CsvReader.builder()
                .detectBomHeader(false)
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .maxBufferSize(maxFieldChars);
    }

    /**
     * Why the start of a stream is not a text CSV — empty, binary (a NUL byte) or not UTF-8 — or null
     * when it looks like one. Reads at most 8 KiB.
     */
    public static String notTextReason(InputStream in) throws IOException {
        byte[] head = in.readNBytes(SNIFF_BYTES);
        int start = bomLength(head);
        boolean blank = true;
        for (int i = start; i < head.length; i++) {
            if (head[i] == 0) {
                return "binary content (NUL bytes): not a CSV text file";
            }
            if (!Character.isWhitespace(head[i])) {
                blank = false;
            }
        }
        if (blank) {
            return "the file is empty";
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(head, start, head.length - start);
        CoderResult result = decoder.decode(bytes, CharBuffer.allocate(head.length), true);
        // a multi-byte character cut by the 8 KiB window is not an error
        if (result.isError() && !(head.length == SNIFF_BYTES && bytes.remaining() <= 3)) {
            return "not UTF-8 text: not a CSV file";
        }
        return null;
    }
}
