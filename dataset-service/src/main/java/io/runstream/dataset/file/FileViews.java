package io.runstream.dataset.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.dataset.dataset.FileView;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.ErrorReport;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

import java.time.Instant;
import java.util.List;

/** The seed's answers about files. */
public final class FileViews {

    private FileViews() {
    }

    public record Page(long total, List<FileView> data) {
    }

    public record Content(long fileId, List<String> contentPreview) {
    }

    /** get_file_by_id: the file plus where its objects are ({@code csv_file_path} works with files/download). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(long datasetId, long id, String fileName, Instant createdAt, Instant modifiedAt, Integer totalFields,
                         Long totalRecords, ErrorReport errorReport, String validationStatus, Long validRecords,
                         Boolean isValid, long sizeBytes, String runId, String csvFilePath, String validatedFilePath,
                         String hdfFilePath, List<ColumnSpec> columns) {
    }

    /** A file to stream to the client. */
    public record Download(String fileName, long size, Flux<DataBuffer> content) {
    }
}
