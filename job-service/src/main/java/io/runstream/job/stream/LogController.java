package io.runstream.job.stream;

import io.runstream.platform.security.Caller;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;

/** Pages of a run's log; {@code ?follow=true} (the live SSE stream) is served by {@link StreamEndpoints}. */
@RestController
class LogController {

    private final RunLogs logs;

    LogController(RunLogs logs) {
        this.logs = logs;
    }

    @GetMapping(path = "/api/v1/runs/{runId}/logs")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<RunLogs.Page> page(Caller caller, @PathVariable String runId, @RequestParam(required = false) String since,
                            @RequestParam(required = false) Long offset, @RequestParam(required = false) Integer limit,
                            @RequestParam(required = false) List<String> level) {
        return logs.page(caller.tenant(), runId, Params.instant("since", since), offset, limit, Params.split(level));
    }
}
