package io.runstream.dataset.internal;

import io.runstream.dataset.dataset.FileView;
import io.runstream.platform.security.Caller;
import io.runstream.platform.security.ServiceTokens;
import io.runstream.platform.web.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/** Service-to-service endpoints (never routed by the gateway); callers need a service token. */
@RestController
@RequestMapping("/internal/v1/datasets")
class InternalDatasetController {

    private static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final InternalDatasetService datasets;

    InternalDatasetController(InternalDatasetService datasets) {
        this.datasets = datasets;
    }

    @GetMapping("/{id}/content")
    Mono<ResponseEntity<Flux<DataBuffer>>> content(@PathVariable long id, @RequestParam("tenant") String tenant,
                                                   Caller caller) {
        return requireService(caller, tenant)
                .then(datasets.content(tenant, id))
                .map(body -> ResponseEntity.ok().contentType(TEXT_CSV).body(body));
    }

    @GetMapping("/{id}/schema")
    Mono<InternalViews.Schema> schema(@PathVariable long id, @RequestParam("tenant") String tenant, Caller caller) {
        return requireService(caller, tenant).then(datasets.schema(tenant, id));
    }

    @PostMapping("/{id}/files")
    Mono<FileView> addFile(@PathVariable long id, @RequestParam("tenant") String tenant,
                           @RequestParam("file_name") String fileName, @RequestBody Flux<DataBuffer> body, Caller caller) {
        return requireService(caller, tenant).then(datasets.addFile(tenant, id, fileName, body));
    }

    private static Mono<Void> requireService(Caller caller, String tenant) {
        if (!ServiceTokens.isService(caller)) {
            return Mono.error(Problems.forbidden("Internal endpoints are for Runstream services only"));
        }
        if (tenant.isBlank()) {
            return Mono.error(Problems.badRequest("tenant is required"));
        }
        return Mono.empty();
    }
}
