package io.runstream.dataset.file;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

/** Files of the caller's tenant; unknown ids, other tenants' ids and paths outside the tenant area signal 404. */
public interface FileService {

    Mono<FileViews.Page> list(String tenant, long datasetId);

    /** The first raw lines; {@code lines} null means the configured preview size (+1 for the header). */
    Mono<FileViews.Content> view(String tenant, long fileId, Integer lines);

    Mono<FileViews.Detail> get(String tenant, long fileId);

    Mono<Void> delete(Caller caller, long fileId);

    Mono<FileViews.Download> download(String tenant, long fileId);

    /** By the public path that get_file_by_id shows; only objects of the caller's own files. */
    Mono<FileViews.Download> downloadByPath(String tenant, String filePath);
}
