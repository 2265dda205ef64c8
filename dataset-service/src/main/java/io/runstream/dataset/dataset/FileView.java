package io.runstream.dataset.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.dataset.validation.ErrorReport;

import java.time.Instant;

/**
 * A file as the seed shows it ({@code files[]} of upload, files/list). {@code error_report} is null
 * when the file validated with nothing to report, or while it waits for its validation run.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FileView(long datasetId, long id, String fileName, Instant createdAt, Instant modifiedAt,
                       Integer totalFields, Long totalRecords, ErrorReport errorReport, String validationStatus,
                       Long validRecords, Boolean isValid, long sizeBytes, String runId) {

    public static FileView of(FileRow file) {
        ErrorReport report = file.errorReport();
        if (report != null && file.validated() && report.clean()) {
            report = null;
        }
        return new FileView(file.datasetId(), file.id(), file.fileName(), file.createdAt(), file.modifiedAt(),
                file.totalFields(), file.totalRecords(), report, file.status(), file.validRecords(), file.isValid(),
                file.sizeBytes(), file.runId());
    }
}
