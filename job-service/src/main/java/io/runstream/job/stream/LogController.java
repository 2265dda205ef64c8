package io.runstream.job.stream;

import io.runstream.platform.security.Caller;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;

@RestController
class LogController {

    private final RunLogs logs;
    private final StreamService streams;

    LogController(RunLogs logs, StreamService streams) {
        this.logs = logs;
        this.streams = streams;
    }

    @GetMapping(path = "/api/v1/runs/{runId}/logs")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<RunLogs.Page> page(Caller caller, @PathVariable String runId, @RequestParam(required = false) String since,
                            @RequestParam(required = false) Long offset, @RequestParam(required = false) Integer limit,
                            @RequestParam(required = false) List<String> level) {
        return logs.page(caller.tenant(), runId, Params.instant("since", since), offset, limit, Params.split(level));
    }

    @GetMapping(path = "/api/v1/runs/{runId}/logs", params = "follow=true")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<Void> follow(Caller caller, ServerHttpResponse response, @PathVariable String runId,
                                         @RequestParam(required = false) String since,
                                         @RequestParam(required = false) Long offset,
                                         @RequestParam(required = false) Integer limit,
                                         @RequestParam(required = false) List<String> level,
                                         @RequestParam(name = "last_event_id", required = false) String lastEventIdParam,
                                         @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        return SseFrames.write(response, logs.follow(caller, runId, Params.instant("since", since), offset,
                Params.split(level), lastEventId != null ? lastEventId : lastEventIdParam, response.bufferFactory()));
    }
}
