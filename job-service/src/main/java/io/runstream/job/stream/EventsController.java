package io.runstream.job.stream;

import io.runstream.platform.event.EventTypes;
import io.runstream.platform.security.Caller;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

@RestController
class EventsController {

    private static final Set<String> STREAMED = Set.of(EventTypes.RUN_CREATED, EventTypes.RUN_STARTED,
            EventTypes.RUN_PROGRESS, EventTypes.RUN_PAUSED, EventTypes.RUN_RESUMED, EventTypes.RUN_FINISHED,
            EventTypes.STEP_STARTED, EventTypes.STEP_FINISHED, EventTypes.RUN_OUTPUT, EventTypes.STEP_OUTPUT);

    private final StreamService streams;

    EventsController(StreamService streams) {
        this.streams = streams;
    }

    @GetMapping(path = "/api/v1/events/runs", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<Void> runs(Caller caller, ServerHttpResponse response,
                                       @RequestParam(name = "run_id", required = false) String runId,
                                       @RequestParam(name = "job_id", required = false) String jobId,
                                       @RequestParam(required = false) List<String> status,
                                       @RequestParam(required = false) List<String> tags,
                                       @RequestParam(required = false) List<String> types,
                                       @RequestParam(name = "last_event_id", required = false) String lastEventIdParam,
                                       @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        Set<String> wanted = new HashSet<>(STREAMED);
        if (types != null && !types.isEmpty()) {
            wanted.retainAll(Params.split(types));
        }
        var filter = new StreamFilter(blank(runId), blank(jobId), wanted, Params.split(status), Params.split(tags));
        return SseFrames.write(response, streams.open(caller, StreamService.Kind.EVENTS, filter,
                lastEventId != null ? lastEventId : lastEventIdParam, null, null, null, response.bufferFactory()));
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
