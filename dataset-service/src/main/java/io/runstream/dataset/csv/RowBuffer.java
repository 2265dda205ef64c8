package io.runstream.dataset.csv;

import java.util.Arrays;

/**
 * One record of a validated copy, built field by field from characters (see {@link CsvLineWriter#writeRow}):
 * RFC 4180 the way {@link CsvLineWriter#writeRecord(String[], boolean[])} writes it — a field quoted (inner quotes
 * doubled) only when it holds a comma, a quote or a line break, a record of one empty field as {@code ""}.
 */
public final class RowBuffer {

    private char[] chars = new char[1024];
    private int length;
    private int fields;
    private boolean lastEmpty;

    public void clear() {
        length = 0;
        fields = 0;
    }

    /** A field known to hold no comma, quote or line break (canonical numbers, booleans, dates, timestamps). */
    public void plain(char[] source, int start, int end) {
        separate(end - start);
        System.arraycopy(source, start, chars, length, end - start);
        length += end - start;
        lastEmpty = end == start;
    }

    public void plain(String value) {
        separate(value.length());
        value.getChars(0, value.length(), chars, length);
        length += value.length();
        lastEmpty = value.isEmpty();
    }

    /** A field of any text: quoted when it must be. */
    public void text(char[] source, int start, int end) {
        if (!needsQuotes(source, start, end)) {
            plain(source, start, end);
            return;
        }
        separate(2 * (end - start) + 2);
        chars[length++] = '"';
        for (int i = start; i < end; i++) {
            char c = source[i];
            chars[length++] = c;
            if (c == '"') {
                chars[length++] = '"';
            }
        }
        chars[length++] = '"';
        lastEmpty = false;
    }

    public void text(String value) {
        char[] copy = value.toCharArray();
        text(copy, 0, copy.length);
    }

    private static boolean needsQuotes(char[] source, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = source[i];
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    private void separate(int room) {
        if (length + room + 2 > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + room + 2));
        }
        if (fields++ > 0) {
            chars[length++] = ',';
        }
    }

    /** The record with its line end; valid until the next change. */
    char[] finish() {
        if (fields == 1 && lastEmpty) {
            chars[0] = '"';
            chars[1] = '"';
            length = 2;
        }
        chars[length++] = '\n';
        return chars;
    }

    int length() {
        return length;
    }
}
