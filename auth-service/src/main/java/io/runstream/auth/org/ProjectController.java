package io.runstream.auth.org;

import io.runstream.auth.web.Access;
import io.runstream.auth.web.Limits;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Trainwave's projects ({@code GET /api/v1/projects/?org=&limit=&offset=}), plus create and get. */
@RestController
class ProjectController {

    private final ProjectService projects;

    ProjectController(ProjectService projects) {
        this.projects = projects;
    }

    record CreateProject(@NotBlank @Pattern(regexp = Limits.DISPLAY_NAME, message = "must be 1-100 letters, digits, spaces or ._'&()-") String name,
                         @Size(max = 1000) String description,
                         @Size(max = 63) String org) {
    }

    @GetMapping({"/api/v1/projects", "/api/v1/projects/"})
    public Mono<Envelope<Envelope.Paged<ProjectService.Project>>> list(Caller caller, ServerHttpRequest request,
                                                                       @RequestParam(required = false) String org,
                                                                       @RequestParam(defaultValue = "20") int limit,
                                                                       @RequestParam(defaultValue = "0") int offset) {
        Paging.check(limit, offset);
        return projects.list(caller, org, limit, offset)
                .map(list -> Envelope.ok(Paging.page(request.getURI(), list.projects(), list.total(), limit, offset)));
    }

    @PostMapping({"/api/v1/projects", "/api/v1/projects/"})
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("hasAuthority('runs:write')")
    public Mono<Envelope<ProjectService.Project>> create(Caller caller, @Valid @RequestBody CreateProject request) {
        return projects.create(caller, request.org(), request.name(), request.description()).map(Envelope::ok);
    }

    @GetMapping({"/api/v1/projects/{projectId}", "/api/v1/projects/{projectId}/"})
    public Mono<Envelope<ProjectService.Project>> get(Caller caller, @PathVariable String projectId) {
        return projects.get(caller.tenant(), projectId).map(Envelope::ok);
    }

    /** Internal: other services check that a project exists in a tenant. */
    @GetMapping("/internal/v1/projects/{projectId}")
    public Mono<ProjectService.Project> internalGet(Caller caller, @PathVariable String projectId, @RequestParam String tenant) {
        if (!caller.roles().contains(Access.SERVICE_ROLE)) {
            return Mono.error(Problems.forbidden("Internal endpoints need the role 'service'"));
        }
        return projects.get(tenant, projectId);
    }
}
