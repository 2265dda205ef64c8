package io.runstream.training.engine;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;

import java.util.ArrayList;
import java.util.List;

/**
 * FastCSV callback handler that writes each field straight into its {@link Column} from the
 * parser's buffer (quotes already resolved): no record object and no String per numeric cell. The
 * first record is the header (names stripped). A record of a single blank field (a blank line) is
 * dropped; any other record must have the header's number of fields, which FastCSV checks for
 * every record this handler answers.
 * <p>A handler for a later part of a file ({@link #chunk}) knows the number of columns and reads
 * no header: a record with another number of fields marks it {@link #malformed()} (the caller then
 * reads the file from the start, for FastCSV's own error).
 */
final class CsvColumnsHandler extends AbstractBaseCsvCallbackHandler<Boolean> {

    private final List<String> header = new ArrayList<>();
    private final boolean chunk;
    private Column[] columns;
    private int rows;
    private boolean firstFieldBlank;
    private boolean malformed;

    CsvColumnsHandler() {
        this.chunk = false;
    }

    private CsvColumnsHandler(int columnCount) {
        this.chunk = true;
        this.columns = newColumns(columnCount);
    }

    /** A handler for a part of a file that starts after the header, at the start of a record. */
    static CsvColumnsHandler chunk(int columnCount) {
        return new CsvColumnsHandler(columnCount);
    }

    @Override
    protected void handleField(int index, char[] buffer, int offset, int length, boolean quoted) {
        if (index == 0) {
            firstFieldBlank = isBlank(buffer, offset, length);
        }
        if (columns == null) {
            header.add(new String(buffer, offset, length).strip());
        } else if (index < columns.length) {
            columns[index].set(rows, buffer, offset, length);
        }
        // an extra field: FastCSV refuses the record once it is built (a chunk: malformed)
    }

    @Override
    protected Boolean buildRecord() {
        if (getRecordType() != RecordType.DATA) {
            return null;  // an empty line (comments are not enabled)
        }
        if (columns == null) {
            columns = newColumns(header.size());
            return Boolean.TRUE;
        }
        if (getFieldCount() == 1 && firstFieldBlank) {
            return null;  // a blank line; its cell is overwritten by the next row
        }
        if (chunk && getFieldCount() != columns.length) {
            malformed = true;
            return null;
        }
        rows++;
        return Boolean.TRUE;
    }

    /** A chunk had a record with another number of fields than the header. */
    boolean malformed() {
        return malformed;
    }

    int rows() {
        return rows;
    }

    Column[] columns() {
        return columns;
    }

    List<String> header() {
        return header;
    }

    DataTable table() {
        if (columns == null) {
            throw new TrainingException("empty-dataset", "The dataset has no header line");
        }
        return new DataTable(header, columns, rows);
    }

    private static Column[] newColumns(int count) {
        Column[] columns = new Column[count];
        for (int c = 0; c < count; c++) {
            columns[c] = new Column(0);
        }
        return columns;
    }

    private static boolean isBlank(char[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (!Character.isWhitespace(buffer[i])) {
                return false;
            }
        }
        return true;
    }
}
