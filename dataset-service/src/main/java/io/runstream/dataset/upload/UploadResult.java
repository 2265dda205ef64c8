package io.runstream.dataset.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.dataset.dataset.FileView;

import java.util.List;

/**
 * The seed's answer to an upload. {@code run_id} names the dataset/validate run of files too large
 * to validate before answering (null when every file was validated inline).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UploadResult(long datasetId, String datasetName, String dataSource, List<FileView> files, String runId) {
}
