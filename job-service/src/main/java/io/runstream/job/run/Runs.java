package io.runstream.job.run;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

import java.util.List;

/** Runs as the API sees them: every operation is scoped by the caller's tenant. */
public interface Runs {

    /** The run with attempts and steps, or a 404 problem (also for another tenant's run). */
    Mono<RunView> get(String tenant, String runId);

    Mono<CreatedRun> create(Caller caller, CreateRunRequest request, String idempotencyKey);

    Mono<RunView.Page> list(String tenant, RunQuery query);

    Mono<Void> delete(String tenant, String runId);

    Mono<ControlResult> control(Caller caller, String runId, ControlAction action, String retryType);

    Mono<RunView> replaceTags(String tenant, String runId, List<String> tags);

    Mono<BulkResult> bulk(Caller caller, RunQuery query, ControlAction action, boolean dryRun);

    /** The answer to POST /runs: the run and whether an Idempotency-Key replayed an earlier one. */
    record CreatedRun(RunView run, boolean replayed) {
    }

    enum ControlAction { CANCEL, PAUSE, RESUME, RETRY }

    record ControlResult(String runId, String status, String requested, int attempt) {
    }

    record BulkResult(String action, boolean dryRun, long count, List<ControlResult> results) {
    }
}
