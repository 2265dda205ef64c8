package io.runstream.dataset.csv;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;

/**
 * A FastCSV callback handler that keeps the current record's fields as character ranges of one reused buffer
 * instead of a {@code String} per field (FastCSV's {@code CsvRecordHandler}): validation checks types and
 * copies canonical values straight from the characters. The record it answers is itself, valid until the next
 * record is read. Its limits and their messages are those of {@code CsvRecordHandler}'s defaults (16 384 fields,
 * 16 Mi characters per field, 64 Mi per record), so a file fails the same way with either.
 */
public final class FieldsHandler extends AbstractBaseCsvCallbackHandler<FieldsHandler> {

    static final int MAX_FIELDS = 16_384;
    static final int MAX_FIELD_SIZE = 16 * 1024 * 1024;
    static final int MAX_RECORD_SIZE = 4 * MAX_FIELD_SIZE;

    private char[] chars = new char[4096];
    private int[] bounds = new int[64];
    private int fields;
    private int used;

    @Override
    protected void handleBegin(long startingLineNumber) {
        fields = 0;
        used = 0;
    }

    @Override
    protected void handleField(int index, char[] buf, int offset, int len, boolean quoted) {
        if (len > MAX_FIELD_SIZE) {
            throw new CsvParseException("Field at index %d in record starting at line %d exceeds the max field size of %d characters"
                    .formatted(index, getStartingLineNumber(), MAX_FIELD_SIZE));
        }
        if ((long) len + used > MAX_RECORD_SIZE) {
            throw new CsvParseException("Field at index %d in record starting at line %d exceeds the max record size of %d characters"
                    .formatted(index, getStartingLineNumber(), MAX_RECORD_SIZE));
        }
        if (index >= MAX_FIELDS) {
            throw new CsvParseException("Record starting at line %d has surpassed the maximum limit of %d fields"
                    .formatted(getStartingLineNumber(), MAX_FIELDS));
        }
        if (used + len > chars.length) {
            chars = java.util.Arrays.copyOf(chars, Math.max(chars.length * 2, used + len));
        }
        if (2 * fields + 2 > bounds.length) {
            bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
        }
        System.arraycopy(buf, offset, chars, used, len);
        bounds[2 * fields] = used;
        used += len;
        bounds[2 * fields + 1] = used;
        fields++;
    }

    @Override
    protected FieldsHandler buildRecord() {
        return this;
    }

    /** The characters of every field of the record; field {@code i} is {@code [start(i), end(i))}. */
    public char[] chars() {
        return chars;
    }

    public int fields() {
        return fields;
    }

    public int start(int field) {
        return bounds[2 * field];
    }

    public int end(int field) {
        return bounds[2 * field + 1];
    }

    /** The line where the record starts. */
    public long line() {
        return getStartingLineNumber();
    }

    public String field(int field) {
        return new String(chars, start(field), end(field) - start(field));
    }
}
