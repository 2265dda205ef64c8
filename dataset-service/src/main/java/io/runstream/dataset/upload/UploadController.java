package io.runstream.dataset.upload;

import io.runstream.dataset.DatasetProperties;
import io.runstream.platform.security.Caller;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Multipart uploads, read as a stream of {@link PartEvent}s ({@link MultipartStream}): each part named
 * {@code files} goes straight from the request into the object store (written once, no temporary file,
 * never held whole).
 */
@RestController
class UploadController {

    static final String FILES = "files";

    private final UploadService uploads;
    private final int joinBytes;

    UploadController(UploadService uploads, DatasetProperties properties) {
        this.uploads = uploads;
        this.joinBytes = properties.upload().coalesceBytes();
    }

    @PostMapping(path = "/api/v1/dataset/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize("hasAuthority('datasets:write')")
    Mono<UploadResult> upload(@RequestParam("dataset_name") String datasetName, @RequestParam("usage") String usage,
                              @RequestParam(name = "template_id", required = false) Long templateId,
                              @RequestParam(name = "iceberg_table_name", required = false) String icebergTableName,
                              ServerHttpRequest request, Caller caller) {
        return uploads.createDataset(caller, new NewDataset(datasetName, usage, templateId, icebergTableName),
                files(MultipartStream.parts(request), joinBytes));
    }

    @PostMapping(path = "/api/v1/files/add", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize("hasAuthority('datasets:write')")
    Mono<UploadResult> add(@RequestParam("dataset_id") long datasetId, ServerHttpRequest request, Caller caller) {
        return uploads.addFiles(caller, datasetId, files(MultipartStream.parts(request), joinBytes));
    }

    /**
     * File parts named {@code files}, in order; other parts are drained and ignored. A file's content
     * is the rest of its part's events: the next part is not read before the consumer finished (or
     * cancelled) this one, so at most one chunk of the request is in memory at a time. A file's content comes
     * in pieces of at least {@code joinBytes} ({@link ContentJoining}).
     */
    static Flux<IncomingFile> files(Flux<PartEvent> events, int joinBytes) {
        return events.windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, rest) -> {
                    if (first.get() instanceof FilePartEvent file && FILES.equals(file.name())) {
                        Sinks.Empty<Void> consumed = Sinks.empty();
                        Flux<DataBuffer> content = ContentJoining.join(rest.map(PartEvent::content), joinBytes)
                                .doFinally(signal -> consumed.tryEmitEmpty());
                        return Mono.just(new IncomingFile(file.filename(), content))
                                .concatWith(consumed.asMono().then(Mono.empty()));
                    }
                    return rest.doOnNext(event -> DataBufferUtils.release(event.content())).then(Mono.<IncomingFile>empty());
                }));
    }
}
