package io.runstream.job.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runstream.job.definition.JobDefinition;
import io.runstream.job.definition.JobDefinitions;
import io.runstream.job.stream.StreamAppender;
import io.runstream.job.support.Events;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.outbox.ProcessedEvents;
import io.runstream.platform.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system of record's view of run events: applies each event once (deduplicated by event id), only
 * along {@link RunStatus}'s legal transitions, keeps the first terminal state, and appends every accepted
 * event to the durable stream. Every method must run inside the caller's transaction.
 */
@Component
class RunProjection {

    static final String CONSUMER = "job-projection";
    private static final Logger log = LoggerFactory.getLogger(RunProjection.class);

    enum Outcome { APPLIED, DUPLICATE, REJECTED }

    private final RunRepository runs;
    private final ProcessedEvents processed;
    private final StreamAppender stream;
    private final JobDefinitions definitions;
    private final EventOutbox outbox;
    private final Topics topics;
    private final EventCodec codec;
    private final MeterRegistry meters;
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final int defaultLeaseSeconds;
    private final String decisionSource;

    RunProjection(RunRepository runs, ProcessedEvents processed, StreamAppender stream, JobDefinitions definitions,
                  EventOutbox outbox, Topics topics, EventCodec codec, MeterRegistry meters,
                  io.runstream.job.config.JobProperties properties,
                  @Value("${spring.application.name}") String service) {
        this.defaultLeaseSeconds = properties.lease().defaultSeconds();
        // not the executor's source (/runstream/job-service): its reports must be applied when they arrive
        this.decisionSource = "/runstream/" + service + "/runs";
        this.runs = runs;
        this.processed = processed;
        this.stream = stream;
        this.definitions = definitions;
        this.outbox = outbox;
        this.topics = topics;
        this.codec = codec;
        this.meters = meters;
    }

    /** An event for a decision job-service takes itself (run created, cancelled, failed by its lease, retried). */
    EventEnvelope decision(String type, String runId, String tenant, Object payload) {
        return Events.create(codec, decisionSource, type, runId, tenant, payload);
    }

    /**
     * A decision's event from this service's own {@link #decide}: it was applied in the transaction that wrote it
     * to the outbox, so when it comes back from Kafka there is nothing left to do — not even the deduplication
     * insert, which was a transaction per run created.
     */
    boolean isOwnDecision(EventEnvelope event) {
        return decisionSource.equals(event.source());
    }

    /**
     * Applies a decision here now and announces it on run-events through the outbox. Its id was drawn a moment ago,
     * so there is nothing to deduplicate, and it is not applied again when it comes back ({@link #isOwnDecision}).
     */
    Mono<Outcome> decide(EventEnvelope event) {
        if (!isOwnDecision(event)) {
            return Mono.error(new IllegalArgumentException("not a decision event: " + event.source()));
        }
        return applyFirst(event).flatMap(outcome -> outcome == Outcome.APPLIED
                ? outbox.append(topics.runEvents(), event).thenReturn(outcome) : Mono.just(outcome));
    }

    /**
     * Admits a new run: its row, its {@code run.created} on the stream and in the outbox. The run's id was drawn a
     * moment ago and its definition is at hand, so there is no row to look for and no definition to read.
     */
    Mono<RunRow> admit(EventEnvelope event, JobDefinition definition) {
        if (!isOwnDecision(event) || !EventTypes.RUN_CREATED.equals(event.type())) {
            return Mono.error(new IllegalArgumentException("not a run.created decision: " + event.type()));
        }
        RunRow row = newRow(event, codec.data(event, RunEvents.RunCreated.class), definition.maxAttempts(),
                definition.leaseSeconds());
        return runs.insert(row).then(append(event, row)).then(outbox.append(topics.runEvents(), event)).thenReturn(row);
    }

    /** An event delivered from Kafka: applied once (deduplicated by event id), or refused. */
    Mono<Outcome> apply(EventEnvelope e) {
        if (e.subject() == null || !EventTypes.RUN_EVENTS.contains(e.type())) {
            return Mono.just(reject(e, "not_a_run_event"));
        }
        if (EventTypes.RUN_HEARTBEAT.equals(e.type())) {
            return heartbeat(e); // renews a lease; idempotent by nature and too frequent to log as processed
        }
        return processed.firstTime(CONSUMER, e.id())
                .flatMap(first -> first ? applyFirst(e) : Mono.just(Outcome.DUPLICATE));
    }

    private Mono<Outcome> applyFirst(EventEnvelope e) {
        if (EventTypes.RUN_CREATED.equals(e.type())) {
            return created(e);
        }
        return runs.lock(e.subject())
                .flatMap(row -> applyTo(row, e))
                .switchIfEmpty(Mono.fromSupplier(() -> reject(e, "unknown_run")));
    }

    private Mono<Outcome> created(EventEnvelope e) {
        RunEvents.RunCreated c = codec.data(e, RunEvents.RunCreated.class);
        if (e.tenant() == null || c.jobId() == null || c.executor() == null) {
            return Mono.just(reject(e, "incomplete_run_created"));
        }
        int attempt = Math.max(1, c.attempt());
        return runs.lock(e.subject()).flatMap(row -> {
            if (attempt > row.attempt() && row.status().isRetryable()) {
                String retryType = e.data().path("retry_type").isString() ? e.data().path("retry_type").asString() : null;
                RunRow next = row.nextAttempt(attempt, retryType, timeOf(e));
                return runs.archiveAttempt(row).then(runs.update(next)).then(append(e, next)).thenReturn(Outcome.APPLIED);
            }
            return Mono.just(reject(e, "run_exists"));
        }).switchIfEmpty(Mono.defer(() -> definitions.get(e.tenant(), c.jobId())
                .map(d -> new int[]{d.maxAttempts(), d.leaseSeconds()})
                .onErrorResume(error -> Mono.just(new int[]{1, defaultLeaseSeconds}))
                .flatMap(limits -> {
                    RunRow row = newRow(e, c, limits[0], limits[1]);
                    return runs.insert(row).then(append(e, row)).thenReturn(Outcome.APPLIED);
                })));
    }

    private RunRow newRow(EventEnvelope e, RunEvents.RunCreated c, int maxAttempts, int leaseSeconds) {
        Instant createdAt = c.createdAt() == null ? timeOf(e) : c.createdAt();
        return new RunRow(e.subject(), e.tenant(), c.jobId(), c.executor(), c.owner(),
                e.data().path("owner_name").isString() ? e.data().path("owner_name").asString() : null,
                c.project(), c.args(), c.priority(), c.tags() == null ? List.of() : c.tags(),
                c.resources() == null ? null : codec.toData(c.resources()), RunStatus.PENDING, 0, null,
                null, null, Math.max(1, c.attempt()), maxAttempts, leaseSeconds, null, null, createdAt, createdAt, null,
                null, null, null);
    }

    private Mono<Outcome> applyTo(RunRow row, EventEnvelope e) {
        if (row.attempt() > 1 && e.time() != null && e.time().isBefore(row.attemptCreatedAt())) {
            return Mono.just(reject(e, "stale_attempt"));
        }
        Instant now = Instant.now();
        switch (e.type()) {
            case EventTypes.RUN_STARTED -> {
                RunEvents.RunStarted s = codec.data(e, RunEvents.RunStarted.class);
                if (s.attempt() != 0 && s.attempt() != row.attempt()) {
                    return Mono.just(reject(e, "stale_attempt"));
                }
                if (!row.status().canTransitionTo(RunStatus.RUNNING) || row.status() != RunStatus.PENDING) {
                    return Mono.just(illegal(e, row.status(), RunStatus.RUNNING));
                }
                Integer lease = s.leaseSeconds() != null && s.leaseSeconds() > 0 ? s.leaseSeconds() : null;
                int seconds = lease == null ? row.leaseSeconds() : lease;
                return save(row.started(timeOf(e), now.plusSeconds(seconds), lease), e);
            }
            case EventTypes.RUN_PAUSED -> {
                return transition(row, e, RunStatus.PAUSED);
            }
            case EventTypes.RUN_RESUMED -> {
                if (row.status() != RunStatus.PAUSED) {
                    return Mono.just(illegal(e, row.status(), RunStatus.RUNNING));
                }
                return save(row.leased(RunStatus.RUNNING, now.plusSeconds(row.leaseSeconds())), e);
            }
            case EventTypes.RUN_FINISHED -> {
                RunEvents.RunFinished f = codec.data(e, RunEvents.RunFinished.class);
                if (!row.status().canTransitionTo(f.status())) {
                    return Mono.just(illegal(e, row.status(), f.status()));
                }
                JsonNode error = f.error() == null ? null : codec.toData(f.error());
                return save(row.finished(f.status(), f.result(), error, timeOf(e)), e);
            }
            case EventTypes.RUN_PROGRESS -> {
                if (row.status() != RunStatus.RUNNING && row.status() != RunStatus.PAUSED) {
                    return Mono.just(reject(e, "progress_when_" + row.status().wireName()));
                }
                RunEvents.RunProgress p = codec.data(e, RunEvents.RunProgress.class);
                ObjectNode metrics = row.metrics() instanceof ObjectNode existing ? existing.deepCopy()
                        : codec.mapper().createObjectNode();
                if (p.metrics() != null) {
                    p.metrics().forEach((name, value) -> {
                        if (value != null) {
                            metrics.put(name, value);
                        }
                    });
                }
                RunRow next = row.progressed(Math.max(0, Math.min(1, p.progress())), p.message(),
                        metrics.isEmpty() ? row.metrics() : metrics);
                return runs.insertMetrics(row.id(), row.tenantId(), timeOf(e), p.metrics()).then(save(next, e));
            }
            case EventTypes.STEP_STARTED, EventTypes.STEP_FINISHED -> {
                if (row.status() != RunStatus.RUNNING && row.status() != RunStatus.PAUSED) {
                    return Mono.just(reject(e, "step_when_" + row.status().wireName()));
                }
                boolean started = EventTypes.STEP_STARTED.equals(e.type());
                String stepId = e.data().path("step_id").asString(null);
                if (stepId == null) {
                    return Mono.just(reject(e, "step_without_id"));
                }
                String name = e.data().path("name").asString(null);
                RunStatus status = RunStatus.RUNNING;
                JsonNode error = null;
                if (!started) {
                    RunEvents.StepFinished f = codec.data(e, RunEvents.StepFinished.class);
                    status = f.status() == null ? RunStatus.COMPLETED : f.status();
                    error = f.error() == null ? null : codec.toData(f.error());
                }
                return runs.upsertStep(row.id(), row.attempt(), stepId, name, status, error,
                                started ? timeOf(e) : null, started ? null : timeOf(e))
                        .then(append(e, row)).thenReturn(Outcome.APPLIED);
            }
            default -> {
                return Mono.just(reject(e, "unhandled_type"));
            }
        }
    }

    private Mono<Outcome> heartbeat(EventEnvelope e) {
        RunEvents.RunHeartbeat h = codec.data(e, RunEvents.RunHeartbeat.class);
        return runs.lock(e.subject()).flatMap(row -> {
            if ((row.status() != RunStatus.RUNNING && row.status() != RunStatus.PAUSED)
                    || (h.attempt() != 0 && h.attempt() != row.attempt())) {
                return Mono.just(reject(e, "heartbeat_when_" + row.status().wireName()));
            }
            int seconds = h.leaseSeconds() > 0 ? h.leaseSeconds() : row.leaseSeconds();
            return runs.update(row.leased(row.status(), Instant.now().plusSeconds(seconds))).thenReturn(Outcome.APPLIED);
        }).switchIfEmpty(Mono.fromSupplier(() -> reject(e, "unknown_run")));
    }

    private Mono<Outcome> transition(RunRow row, EventEnvelope e, RunStatus next) {
        if (!row.status().canTransitionTo(next)) {
            return Mono.just(illegal(e, row.status(), next));
        }
        return save(row.withStatus(next), e);
    }

    private Mono<Outcome> save(RunRow next, EventEnvelope e) {
        return runs.update(next).then(append(e, next)).thenReturn(Outcome.APPLIED);
    }

    private Mono<Void> append(EventEnvelope e, RunRow row) {
        ObjectNode data = e.data() instanceof ObjectNode object ? object.deepCopy() : codec.mapper().createObjectNode();
        data.put("run_id", row.id());
        data.put("job_id", row.jobId());
        data.put("status", row.status().wireName());
        data.put("attempt", row.attempt());
        data.put("timestamp", timeOf(e).toString());
        return stream.append(e.id(), row.tenantId(), row.id(), row.jobId(), e.type(), timeOf(e), row.attempt(), null, data)
                .then();
    }

    private Outcome illegal(EventEnvelope e, RunStatus from, RunStatus to) {
        return reject(e, from.isTerminal() ? "after_terminal" : "illegal_transition",
                from.wireName() + " -> " + to.wireName());
    }

    private Outcome reject(EventEnvelope e, String reason) {
        return reject(e, reason, null);
    }

    private Outcome reject(EventEnvelope e, String reason, String detail) {
        rejections.computeIfAbsent(e.type() + "|" + reason, key -> Counter.builder("runstream.job.projection.rejected")
                .description("run events the projection refused (illegal transition, stale, unknown run)")
                .tag("type", e.type()).tag("reason", reason).register(meters)).increment();
        log.debug("rejected {} {} for {}: {} {}", e.type(), e.id(), e.subject(), reason, detail == null ? "" : detail);
        return Outcome.REJECTED;
    }

    private static Instant timeOf(EventEnvelope e) {
        return e.time() == null ? Instant.now() : e.time();
    }
}
