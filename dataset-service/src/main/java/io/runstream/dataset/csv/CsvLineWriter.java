package io.runstream.dataset.csv;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes CSV the way validated copies store it: RFC 4180, UTF-8, LF line ends, a field quoted (inner
 * quotes doubled) only when it holds a comma, a quote or a line break, and a record of one empty field
 * written as {@code ""} so that it is not read back as a blank line. Fields the caller knows to be plain
 * (canonical numbers, booleans, dates and timestamps) skip the check, which is most of the cost of
 * writing a validated copy. Blocking: call on boundedElastic.
 */
public final class CsvLineWriter implements Closeable {

    private final Writer out;

    public CsvLineWriter(OutputStream out) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    public void writeRecord(List<String> fields) throws IOException {
        writeRecord(fields.toArray(String[]::new), null);
    }

    /** @param plain per field, true when its value cannot hold a comma, quote or line break; null when unknown */
    public void writeRecord(String[] fields, boolean[] plain) throws IOException {
        if (fields.length == 1 && (fields[0] == null || fields[0].isEmpty())) {
            out.write("\"\"\n");
            return;
        }
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            String value = fields[i];
            if (value == null || value.isEmpty()) {
                continue;
            }
            if ((plain != null && plain[i]) || !needsQuotes(value)) {
                out.write(value);
            } else {
                out.write('"');
                out.write(value.replace("\"", "\"\""));
                out.write('"');
            }
        }
        out.write('\n');
    }

    /** Writes a record built in {@code row} (which is cleared for the next one). */
    public void writeRow(RowBuffer row) throws IOException {
        char[] chars = row.finish();
        out.write(chars, 0, row.length());
        row.clear();
    }

    /** String.indexOf is vectorised by the JIT, several times faster than a per-character loop. */
    static boolean needsQuotes(String value) {
        return value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
