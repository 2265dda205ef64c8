package io.runstream.dataset.run;

import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunIds;
import io.runstream.platform.run.RunReporter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * Creates runs of this service's jobs: announces {@code run.created} (executor = this service)
 * through the outbox. Call it inside the transaction that records what the run is about; the
 * executor picks the run up from Kafka after commit.
 */
@Component
public class RunLauncher {

    private final RunReporter reporter;
    private final String service;
    private final RunExecutor executor;

    RunLauncher(RunReporter reporter, @Value("${spring.application.name}") String service, RunExecutor executor) {
        this.reporter = reporter;
        this.service = service;
        this.executor = executor;
    }

    /**
     * After the transaction that created the run committed: executes it on this instance at once (the round trip
     * through the outbox relay and Kafka costs a noticeable share of a small upload's time, and the instance that
     * received the upload holds its validation started meanwhile). Should this instance fail before, the
     * run.created event still reaches an executor. Never fails: the event path remains.
     */
    public Mono<Void> startHere(String runId, String tenant, String jobId, JsonNode args) {
        return executor.executeHere(runId, tenant, jobId, args).onErrorResume(error -> Mono.just(false)).then();
    }

    public Mono<String> create(String tenant, String owner, String jobId, JsonNode args) {
        return newRunId().flatMap(runId -> create(runId, tenant, owner, jobId, args));
    }

    /** A fresh run id; ULIDs draw from SecureRandom, which may read /dev/urandom, so not on the event loop. */
    public static Mono<String> newRunId() {
        return Mono.fromCallable(RunIds::newRunId).subscribeOn(Schedulers.boundedElastic());
    }

    /** With a run id chosen beforehand (e.g. already written on the rows the run works on). */
    public Mono<String> create(String runId, String tenant, String owner, String jobId, JsonNode args) {
        var created = new RunEvents.RunCreated(runId, jobId, service, owner, null, args, 5, List.of("dataset"), null, 1,
                Instant.now());
        return reporter.created(tenant, created).thenReturn(runId);
    }
}
