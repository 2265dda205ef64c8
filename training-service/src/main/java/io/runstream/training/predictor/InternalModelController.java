package io.runstream.training.predictor;

import io.runstream.platform.security.Caller;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Model bundles for other Runstream services (service token, explicit tenant); the gateway never routes here. */
@RestController
class InternalModelController {

    private final ModelBundles bundles;

    InternalModelController(ModelBundles bundles) {
        this.bundles = bundles;
    }

    @GetMapping("/internal/v1/models/{trainId}")
    Mono<ModelBundles.BundleInfo> bundle(Caller caller, @PathVariable long trainId,
                                         @RequestParam(required = false) String tenant) {
        return bundles.bundle(caller, tenant, trainId);
    }

    @GetMapping("/internal/v1/models/{trainId}/files/{name}")
    Mono<ResponseEntity<Resource>> file(Caller caller, @PathVariable long trainId, @PathVariable String name,
                                        @RequestParam(required = false) String tenant,
                                        @RequestParam(required = false) Integer version) {
        return bundles.file(caller, tenant, trainId, name, version)
                .map(path -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                        .body((Resource) new FileSystemResource(path)));
    }

    @GetMapping("/internal/v1/runs/{runId}/callback")
    Mono<ModelBundles.CallbackInfo> callback(Caller caller, @PathVariable String runId,
                                             @RequestParam(required = false) String tenant) {
        return bundles.callback(caller, tenant, runId);
    }
}
