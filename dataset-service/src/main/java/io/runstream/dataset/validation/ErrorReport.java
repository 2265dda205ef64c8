package io.runstream.dataset.validation;

import java.util.List;
import java.util.Map;

/**
 * A file's validation outcome as clients see it ({@code error_report}). {@code errors} is capped;
 * {@code errors_by_reason} counts every error.
 *
 * @param datasetUsability the share of valid rows, 0..1
 * @param parseError       set when the file stopped being readable CSV (e.g. a field over the size limit)
 */
public record ErrorReport(long totalRecords, long validRecords, long invalidRecords, double datasetUsability,
                          boolean isValid, HeaderReport header, Map<String, Long> errorsByReason, List<RowError> errors,
                          boolean errorsTruncated, String parseError) {

    /** Whether there is nothing to tell: every row valid, the header as the template expects. */
    public boolean clean() {
        return invalidRecords == 0 && parseError == null && errorsByReason.isEmpty() && header.clean();
    }

    /**
     * @param columns           the file's header as read
     * @param missingColumns    template columns absent from the file (their default, if any, is used)
     * @param extraColumns      file columns the template does not know (dropped from the validated copy)
     * @param duplicateColumns  header names that appear more than once (the first one is used)
     * @param reordered         the template's columns appear in another order (they are matched by name)
     * @param inferred          true when there was no template and the types were inferred
     */
    public record HeaderReport(List<String> columns, List<String> missingColumns, List<String> extraColumns,
                               List<String> duplicateColumns, boolean reordered, boolean inferred) {
        public boolean clean() {
            return missingColumns.isEmpty() && extraColumns.isEmpty() && duplicateColumns.isEmpty() && !reordered;
        }
    }

    /** @param row the 1-based data row (the header is row 0); {@code line} is where it starts in the file */
    public record RowError(long row, long line, String column, String value, String reason) {
    }
}
