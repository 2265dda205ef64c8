package io.runstream.training.engine;

import io.runstream.model.Values;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The cells of one {@link DataTable} column, filled cell by cell as the CSV is read. A cell that is
 * a plain decimal (the common case in training data, see {@link Values#plainDecimal(char[], int, int)})
 * is kept as its number plus its ASCII text back to back in one byte array: no object per cell,
 * and its text can still be made when a column turns out to be categorical. Any other cell (text,
 * blanks, decorated or long numbers) is kept as a String.
 */
final class Column {

    private static final int INITIAL_ROWS = 1024;

    /** Each cell's number when it is a plain decimal, else NaN (a plain decimal is always finite). */
    private double[] plain;
    /** {@code ends[r]}: where row r's plain text ends in {@link #chars} (it starts at {@code ends[r - 1]}). */
    private int[] ends;
    private byte[] chars;
    /** The text of each cell that is not a plain decimal; {@code null} until the column has one. */
    private String[] other;
    private int size;
    private boolean allPlain;

    Column(int expectedRows) {
        int capacity = Math.max(INITIAL_ROWS, expectedRows);
        plain = new double[capacity];
        ends = new int[capacity];
        chars = new byte[capacity * 8];
    }

    private Column(int rows, int charCount, boolean withOther) {
        plain = new double[rows];
        ends = new int[rows];
        chars = new byte[charCount];
        other = withOther ? new String[rows] : null;
    }

    /** The first {@code rows[i]} cells of each of {@code parts}, one part after the other. */
    static Column concat(Column[] parts, int[] rows) {
        int total = 0;
        int charCount = 0;
        boolean withOther = false;
        for (int p = 0; p < parts.length; p++) {
            total += rows[p];
            charCount += rows[p] == 0 ? 0 : parts[p].ends[rows[p] - 1];
            withOther |= parts[p].other != null;
        }
        Column out = new Column(total, charCount, withOther);
        int at = 0;
        int base = 0;
        for (int p = 0; p < parts.length; p++) {
            Column part = parts[p];
            int n = rows[p];
            int used = n == 0 ? 0 : part.ends[n - 1];
            System.arraycopy(part.plain, 0, out.plain, at, n);
            System.arraycopy(part.chars, 0, out.chars, base, used);
            for (int r = 0; r < n; r++) {
                out.ends[at + r] = part.ends[r] + base;
            }
            if (part.other != null) {
                System.arraycopy(part.other, 0, out.other, at, n);
            }
            at += n;
            base += used;
        }
        out.size = total;
        return out;
    }

    /**
     * Sets the cell of {@code row} (at most {@link #size()}: the row being read, which a later
     * call may overwrite while it is not committed) to {@code length} chars of {@code text}.
     */
    void set(int row, char[] text, int offset, int length) {
        if (row >= plain.length) {
            grow(row + 1);
        }
        int start = row == 0 ? 0 : ends[row - 1];
        double value = Values.plainDecimal(text, offset, length);
        if (value == value) {  // not NaN: a plain decimal, kept without a String
            if (start + length > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, start + length));
            }
            byte[] to = chars;
            for (int i = 0; i < length; i++) {
                to[start + i] = (byte) text[offset + i];  // ASCII: digits, sign, dot, exponent
            }
            plain[row] = value;
            ends[row] = start + length;
            if (other != null) {
                other[row] = null;
            }
        } else {
            plain[row] = Double.NaN;
            ends[row] = start;
            if (other == null) {
                other = new String[plain.length];
            }
            other[row] = length == 0 ? "" : new String(text, offset, length);
        }
        if (row >= size) {
            size = row + 1;
        }
    }

    /**
     * Ends the filling: the column has {@code rows} cells (a row that was read and then dropped is
     * forgotten), and its number array is exactly that long.
     */
    void finish(int rows) {
        size = rows;
        if (plain.length != rows) {
            plain = Arrays.copyOf(plain, rows);
        }
        allPlain = true;
        for (int r = 0; other != null && r < rows; r++) {
            if (other[r] != null) {
                allPlain = false;
                break;
            }
        }
    }

    private void grow(int minimum) {
        int capacity = Math.max(minimum, plain.length * 2);
        plain = Arrays.copyOf(plain, capacity);
        ends = Arrays.copyOf(ends, capacity);
        if (other != null) {
            other = Arrays.copyOf(other, capacity);
        }
    }

    int size() {
        return size;
    }

    /** Whether the cell is a plain decimal: then it is present and {@link #plainNumbers()} holds its number. */
    boolean isPlain(int row) {
        return plain[row] == plain[row];
    }

    /** Whether every cell is a plain decimal (no blanks, no text); known once {@link #finish finished}. */
    boolean allPlain() {
        return allPlain;
    }

    /**
     * Each cell's number when it is a plain decimal, else NaN: for those cells, exactly what
     * {@link Values#number} answers for the text. {@link #size()} long once finished; shared, not a copy.
     */
    double[] plainNumbers() {
        return plain;
    }

    /** The cell's text, as read. */
    String text(int row) {
        if (row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of " + size);
        }
        String text = other == null ? null : other[row];
        if (text != null) {
            return text;
        }
        int start = row == 0 ? 0 : ends[row - 1];
        return new String(chars, start, ends[row] - start, StandardCharsets.ISO_8859_1);
    }
}
