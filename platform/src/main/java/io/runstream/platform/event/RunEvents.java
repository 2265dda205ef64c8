package io.runstream.platform.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.platform.run.RunStatus;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The payloads ({@code data}) of run events, one record per event type. Producers build them,
 * consumers read them with {@link EventCodec#data(EventEnvelope, Class)}. Field names travel in
 * snake_case.
 */
public final class RunEvents {

    private RunEvents() {
    }

    /** Resources a run asks for; any field may be absent. Memory and disk in MiB. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(Double cpu, Long memoryMb, Integer gpus, String gpuType, Long diskMb) {
    }

    /** {@code run.created}: a run exists and waits in {@code pending}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunCreated(String runId, String jobId, String executor, String owner, String project, JsonNode args,
                             int priority, List<String> tags, Resources resources, int attempt,
                             Instant createdAt) {
    }

    /** {@code run.started}: an executor picked the run up. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunStarted(String runId, int attempt, String executor, Integer leaseSeconds) {
    }

    /** {@code run.progress}: progress in [0, 1] with optional metrics (e.g. a validation loss). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunProgress(String runId, double progress, String message, Map<String, Double> metrics) {
    }

    /** {@code run.paused} and {@code run.resumed}. */
    public record RunPaused(String runId) {
    }

    public record RunResumed(String runId) {
    }

    /** {@code run.heartbeat}: renews the run's lease. */
    public record RunHeartbeat(String runId, int attempt, String executor, int leaseSeconds) {
    }

    /** Why a run or step failed: a stable code and a sentence for people. */
    public record RunError(String code, String message) {
    }

    /**
     * {@code run.finished}: the final status (completed, failed or cancelled), result and error, and
     * the job id so that services reacting to finished runs (inference on trainings) can filter.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunFinished(String runId, RunStatus status, JsonNode result, RunError error, String jobId) {
        public RunFinished {
            if (status == null || !status.isTerminal()) {
                throw new IllegalArgumentException("run.finished needs a terminal status, got " + status);
            }
        }

        public RunFinished(String runId, RunStatus status, JsonNode result, RunError error) {
            this(runId, status, result, error, null);
        }
    }

    /** {@code step.started}. */
    public record StepStarted(String runId, String stepId, String name) {
    }

    /** {@code step.finished}; {@code status} is terminal. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StepFinished(String runId, String stepId, String name, RunStatus status, RunError error) {
    }

    /** {@code run.output} and {@code step.output}: one log line; {@code seq} increases per run attempt. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LogLine(String runId, String stepId, long seq, Instant time, String level, String message,
                          String traceId, String spanId) {
    }

    /** The control topic's requests: cancel, pause, resume, retry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ControlRequested(String runId, String jobId, String executor, int attempt, String requestedBy,
                                   String reason) {
    }

    /**
     * {@code job.registered} on the job-definitions topic: a service announces a built-in job it executes.
     * Keyed by job id; job-service upserts the definition.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobRegistered(String jobId, String version, String description, JsonNode argsSchema,
                                String executor, String source, int maxAttempts, int leaseSeconds,
                                Resources resources) {
    }
}
