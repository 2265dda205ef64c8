package io.runstream.dataset.dataset;

import io.runstream.dataset.validation.ColumnSpec;

import java.time.Instant;
import java.util.List;

/** A dataset as stored, with its template's name and file count. {@code columns} is null until known. */
public record DatasetRow(long id, String tenantId, String datasetName, String usage, Long templateId,
                         String templateName, String icebergTableName, String dataSource, List<ColumnSpec> columns,
                         boolean isValid, Double datasetUsability, long fileCount, String createdBy, Instant createdAt,
                         String modifiedBy, Instant modifiedAt) {
}
