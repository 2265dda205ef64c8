package io.runstream.job.definition;

import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobDefinitions definitions;

    JobController(JobDefinitions definitions) {
        this.definitions = definitions;
    }

    @GetMapping
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<JobView.Page> list(Caller caller, @RequestParam(required = false) String source,
                            @RequestParam(required = false) String namespace) {
        return definitions.list(caller.tenant(), source, namespace).map(JobView::of).collectList().map(JobView.Page::new);
    }

    @GetMapping("/{namespace}/{name}")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<JobView> get(Caller caller, @PathVariable String namespace, @PathVariable String name) {
        return definitions.get(caller.tenant(), namespace + "/" + name).map(JobView::of);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("hasAuthority('jobs:write')")
    Mono<JobView> register(Caller caller, @Valid @RequestBody CommandJobRequest request) {
        return definitions.registerCommand(caller.tenant(), caller.userId(), request).map(JobView::of);
    }

    @DeleteMapping("/{namespace}/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PreAuthorize("hasAuthority('jobs:write')")
    Mono<Void> delete(Caller caller, @PathVariable String namespace, @PathVariable String name) {
        return definitions.delete(caller.tenant(), namespace + "/" + name);
    }
}
