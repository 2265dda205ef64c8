package io.runstream.job.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.job.config.JobProperties;
import io.runstream.job.run.Runs;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A run's stored log lines: pages with offsets (Instabase) and a follow stream (flwd). */
@Service
class RunLogs {

    private static final int DEFAULT_LIMIT = 500;
    private final StreamLog streamLog;
    private final StreamService streams;
    private final Runs runs;
    private final int maxLimit;

    RunLogs(StreamLog streamLog, StreamService streams, Runs runs, JobProperties properties) {
        this.streamLog = streamLog;
        this.streams = streams;
        this.runs = runs;
        this.maxLimit = properties.maxListLimit();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(Instant timestamp, String level, String message, String stepId, Long seq, Integer attempt, long offset) {
    }

    record Page(String runId, List<Line> logs, long nextOffset) {
    }

    Mono<Page> page(String tenant, String runId, Instant since, Long offset, Integer limit, List<String> levels) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > maxLimit) {
            return Mono.error(Problems.invalidFields("Invalid limit",
                    List.of(new Problems.FieldError("limit", "must be between 1 and " + maxLimit))));
        }
        if (offset != null && offset < 0) {
            return Mono.error(Problems.invalidFields("Invalid offset",
                    List.of(new Problems.FieldError("offset", "must not be negative"))));
        }
        long after = offset == null ? 0 : offset;
        return runs.get(tenant, runId).then(streamLog.logs(tenant, runId, after, since, lower(levels), size)
                .map(RunLogs::line).collectList()
                .map(lines -> new Page(runId, lines, lines.isEmpty() ? after : lines.get(lines.size() - 1).offset())));
    }

    Flux<DataBuffer> follow(Caller caller, String runId, Instant since, Long offset, List<String> levels,
                            String lastEventId, ServerHttpResponse response) {
        List<String> wanted = lower(levels);
        var filter = new StreamFilter(runId, null, Set.of(EventTypes.RUN_OUTPUT, EventTypes.STEP_OUTPUT), null, null);
        return streams.open(caller, StreamService.Kind.LOGS, filter, lastEventId, offset, since,
                wanted == null ? null : line -> levelOf(line) == null || wanted.contains(levelOf(line)), response);
    }

    private static String levelOf(StreamEvent line) {
        String level = line.level() != null ? line.level() : line.data() == null ? null
                : line.data().path("level").asString(null);
        return level == null ? null : level.toLowerCase(Locale.ROOT);
    }

    private static List<String> lower(List<String> levels) {
        return levels == null ? null : levels.stream().map(level -> level.toLowerCase(Locale.ROOT)).toList();
    }

    private static Line line(StreamEvent e) {
        JsonNode data = e.data();
        Long seq = data.path("seq").isNumber() ? data.path("seq").asLong() : null;
        return new Line(e.time(), e.level(), data.path("message").asString(""),
                data.path("step_id").isString() ? data.path("step_id").asString() : null, seq, e.attempt(), e.pos());
    }
}
