package io.runstream.dataset.dataset;

import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.ErrorReport;

import java.time.Instant;
import java.util.List;

/** One file of a dataset as stored. {@code status}: pending, validating, validated or failed. */
public record FileRow(long id, String tenantId, long datasetId, String fileName, String rawKey, String validatedKey,
                      long sizeBytes, String status, String runId, Integer totalFields, Long totalRecords,
                      Long validRecords, Boolean isValid, ErrorReport errorReport, List<ColumnSpec> columns,
                      Instant createdAt, Instant modifiedAt) {

    public static final String PENDING = "pending";
    public static final String VALIDATING = "validating";
    public static final String VALIDATED = "validated";
    public static final String FAILED = "failed";

    public boolean validated() {
        return VALIDATED.equals(status);
    }
}
