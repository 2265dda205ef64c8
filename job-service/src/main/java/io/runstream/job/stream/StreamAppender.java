package io.runstream.job.stream;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * Appends to the durable stream. Call it inside the transaction that applies the event: the position is
 * taken under a row lock held until commit, so positions become visible in order.
 */
public interface StreamAppender {

    Mono<StreamEvent> append(String eventId, String tenant, String runId, String jobId, String type, Instant time,
                             Integer attempt, String level, JsonNode data);
}
