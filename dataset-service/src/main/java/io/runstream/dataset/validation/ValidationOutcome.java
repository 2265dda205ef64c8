package io.runstream.dataset.validation;

import java.util.List;

/** What validating one file produced: its shape, its schema (template's or inferred) and its report. */
public record ValidationOutcome(int totalFields, long totalRecords, long validRecords, List<ColumnSpec> columns,
                                ErrorReport report) {
}
