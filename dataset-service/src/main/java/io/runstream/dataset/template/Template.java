package io.runstream.dataset.template;

import io.runstream.dataset.validation.ColumnSpec;

import java.time.Instant;
import java.util.List;

/** A template as the API shows it (the list leaves out {@code template_schema}). */
public record Template(String templateName, long id, String tenantId, int noOfColumns, String createdBy, Instant createdAt,
                       Instant modifiedAt, String modifiedBy, List<ColumnSpec> templateSchema) {

    public record Summary(String templateName, long id, String tenantId, int noOfColumns, String createdBy,
                          Instant createdAt, Instant modifiedAt, String modifiedBy) {
    }

    public Summary summary() {
        return new Summary(templateName, id, tenantId, noOfColumns, createdBy, createdAt, modifiedAt, modifiedBy);
    }
}
