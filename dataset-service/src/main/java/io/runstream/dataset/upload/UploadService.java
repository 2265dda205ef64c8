package io.runstream.dataset.upload;

import io.runstream.dataset.dataset.FileView;
import io.runstream.platform.security.Caller;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams uploaded files into the object store and validates them: inline when small, else as a
 * dataset/validate run. Bad input (no files, an empty or binary file, unknown ids) leaves nothing behind.
 */
public interface UploadService {

    Mono<UploadResult> createDataset(Caller caller, NewDataset request, Flux<IncomingFile> files);

    Mono<UploadResult> addFiles(Caller caller, long datasetId, Flux<IncomingFile> files);

    /** A file another service produced (e.g. batch predictions) added to a dataset of {@code tenant}. */
    Mono<FileView> addResultFile(String tenant, long datasetId, String fileName, Flux<DataBuffer> content);
}
