package io.runstream.job.run;

import io.runstream.job.config.JobProperties;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * No run stays running forever: a running or paused run whose executor stopped heartbeating beyond its
 * lease is failed with {@code lease_expired} — or, when its definition allows more attempts, retried.
 * Each expiry is decided under the run's row lock, so replicas never double it.
 */
@Component
class LeaseMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseMonitor.class);

    private final RunRepository runs;
    private final RunProjection projection;
    private final TransactionalOperator tx;
    private final EventCodec codec;
    private final JobProperties.Lease properties;
    private volatile Disposable loop;

    LeaseMonitor(RunRepository runs, RunProjection projection, TransactionalOperator tx, EventCodec codec,
                 JobProperties properties) {
        this.runs = runs;
        this.projection = projection;
        this.tx = tx;
        this.codec = codec;
        this.properties = properties.lease();
    }

    /** Expires every lease that ran out by now; answers how many runs it failed or retried. */
    Mono<Long> expireLeases() {
        Instant now = Instant.now();
        return runs.expiredLeases(now, 100).concatMap(id -> tx.transactional(runs.lock(id)
                        .filter(row -> (row.status() == RunStatus.RUNNING || row.status() == RunStatus.PAUSED)
                                && row.leaseExpiresAt() != null && row.leaseExpiresAt().isBefore(now))
                        .flatMap(this::expire)))
                .count();
    }

    private Mono<RunProjection.Outcome> expire(RunRow row) {
        String message = "The executor " + row.executor() + " stopped reporting: no heartbeat for "
                + row.leaseSeconds() + " s (lease expired at " + row.leaseExpiresAt() + ")";
        var finished = new RunEvents.RunFinished(row.id(), RunStatus.FAILED, null,
                new RunEvents.RunError("lease_expired", message));
        EventEnvelope failed = projection.decision(EventTypes.RUN_FINISHED, row.id(), row.tenantId(), finished);
        Mono<RunProjection.Outcome> fail = projection.decide(failed);
        if (row.attempt() >= row.maxAttempts()) {
            return fail;
        }
        var created = new RunEvents.RunCreated(row.id(), row.jobId(), row.executor(), row.owner(), row.project(),
                row.args(), row.priority(), row.tags(),
                row.resources() == null ? null : codec.mapper().treeToValue(row.resources(), RunEvents.Resources.class),
                row.attempt() + 1, Instant.now());
        ObjectNode data = (ObjectNode) codec.toData(created);
        data.put("retry_type", "lease_expired");
        EventEnvelope retry = projection.decision(EventTypes.RUN_CREATED, row.id(), row.tenantId(), data);
        return fail.then(projection.decide(retry));
    }

    @Override
    public void start() {
        loop = Flux.interval(properties.checkInterval())
                .onBackpressureDrop()
                .concatMap(tick -> expireLeases().onErrorResume(error -> {
                    log.warn("lease check failed, will retry: {}", error.toString());
                    return Mono.just(0L);
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        loop = null;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
