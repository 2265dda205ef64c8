package io.runstream.dataset.upload;

import io.runstream.platform.security.Caller;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Multipart uploads: each part named {@code files} is streamed through, never buffered whole. */
@RestController
class UploadController {

    static final String FILES = "files";

    private final UploadService uploads;

    UploadController(UploadService uploads) {
        this.uploads = uploads;
    }

    @PostMapping(path = "/api/v1/dataset/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize("hasAuthority('datasets:write')")
    Mono<UploadResult> upload(@RequestParam("dataset_name") String datasetName, @RequestParam("usage") String usage,
                              @RequestParam(name = "template_id", required = false) Long templateId,
                              @RequestParam(name = "iceberg_table_name", required = false) String icebergTableName,
                              @RequestBody Flux<Part> parts, Caller caller) {
        return uploads.createDataset(caller, new NewDataset(datasetName, usage, templateId, icebergTableName), files(parts));
    }

    @PostMapping(path = "/api/v1/files/add", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize("hasAuthority('datasets:write')")
    Mono<UploadResult> add(@RequestParam("dataset_id") long datasetId, @RequestBody Flux<Part> parts, Caller caller) {
        return uploads.addFiles(caller, datasetId, files(parts));
    }

    /** File parts named {@code files}; other parts are drained and ignored. */
    static Flux<IncomingFile> files(Flux<Part> parts) {
        return parts.concatMap(part -> {
            if (part instanceof FilePart file && FILES.equals(part.name())) {
                return Mono.just(new IncomingFile(file.filename(), file.content()));
            }
            return part.content().doOnNext(DataBufferUtils::release).then(Mono.empty());
        });
    }
}
