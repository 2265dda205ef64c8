package io.runstream.job.stream;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * Appends to the durable stream. Call it inside the transaction that applies the event: the event is
 * stored with it, and gets its stream position (its SSE id) right after that transaction commits.
 */
public interface StreamAppender {

    Mono<Void> append(String eventId, String tenant, String runId, String jobId, String type, Instant time,
                             Integer attempt, String level, JsonNode data);
}
