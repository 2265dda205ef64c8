package io.runstream.job.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.platform.run.RunStatus;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** A run on the wire (flwd's run, extended with Instabase's and Trainwave's fields). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(String runId, String jobId, RunStatus status, double progress, String message, String executor,
                      Owner owner, String project, JsonNode args, int priority, List<String> tags, JsonNode resources,
                      Result result, JsonNode error, int attempt, int maxAttempts, List<Attempt> attempts,
                      List<Step> steps, Instant createdAt, Instant startedAt, Instant finishedAt, Double runtimeSec,
                      Instant leaseExpiresAt, JsonNode metrics, Cost cost) {

    public record Owner(String id, String username) {
    }

    /** flwd wraps the result: {@code {"value": ...}}. */
    public record Result(JsonNode value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(int attempt, RunStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
                          JsonNode error) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String stepId, String name, RunStatus status, Instant startedAt, Instant finishedAt,
                       JsonNode error) {
    }

    public record Cost(String currency, double costPerHour, double totalCost) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(List<RunView> runs, long total, int limit, int offset, String nextCursor) {
    }
}
