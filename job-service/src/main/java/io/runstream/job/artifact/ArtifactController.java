package io.runstream.job.artifact;

import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Files;
import java.util.List;

@RestController
class ArtifactController {

    private final ArtifactStore store;

    ArtifactController(ArtifactStore store) {
        this.store = store;
    }

    record Page(List<ArtifactStore.Artifact> artifacts) {
    }

    @GetMapping("/api/v1/artifacts")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<Page> list(Caller caller, @RequestParam(name = "run_id", required = false) String runId,
                    @RequestParam(required = false, defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            return Mono.error(Problems.invalidFields("Invalid limit",
                    List.of(new Problems.FieldError("limit", "must be between 1 and 1000"))));
        }
        return store.list(caller.tenant(), runId == null || runId.isBlank() ? null : runId, limit).collectList().map(Page::new);
    }

    @GetMapping("/api/v1/artifacts/{id}")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<ResponseEntity<Flux<DataBuffer>>> download(Caller caller, @PathVariable String id) {
        return store.get(caller.tenant(), id).flatMap(artifact -> {
            var file = store.file(artifact);
            return Mono.fromCallable(() -> Files.isRegularFile(file))
                    .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                    .flatMap(exists -> !exists ? Mono.error(Problems.notFound("artifact", id))
                            : Mono.just(ResponseEntity.ok()
                            .contentType(MediaType.parseMediaType(artifact.mediaType()))
                            .contentLength(artifact.sizeBytes())
                            .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                    .filename(artifact.name().substring(artifact.name().lastIndexOf('/') + 1)).build().toString())
                            .body(DataBufferUtils.read(file, DefaultDataBufferFactory.sharedInstance, 64 * 1024))));
        });
    }
}
