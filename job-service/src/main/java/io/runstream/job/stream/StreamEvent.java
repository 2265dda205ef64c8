package io.runstream.job.stream;

import tools.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One durable event of the stream: a run event job-service accepted or a stored log line.
 * {@code pos} is its SSE id: dense and increasing in commit order across the whole service. {@code dataJson}
 * is {@code data} serialised; {@code frame} is the event's SSE frame on the run-event stream, encoded once and
 * copied to every stream that wants the event.
 */
public record StreamEvent(long pos, String eventId, String tenant, String runId, String jobId, String type,
                          Instant time, Integer attempt, String level, JsonNode data, String dataJson, byte[] frame) {

    StreamEvent(long pos, String eventId, String tenant, String runId, String jobId, String type, Instant time,
                Integer attempt, String level, JsonNode data, String dataJson) {
        this(pos, eventId, tenant, runId, jobId, type, time, attempt, level, data, dataJson,
                SseFrames.event(pos, type, dataJson));
    }

    public boolean isLog() {
        return "run.output".equals(type) || "step.output".equals(type);
    }
}
