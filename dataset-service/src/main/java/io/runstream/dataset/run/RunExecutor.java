package io.runstream.dataset.run;

import io.runstream.dataset.DatasetProperties;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.outbox.ProcessedEvents;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Executes the runs of this service's jobs: consumes {@code run.created} where the executor is this
 * service (deduplicated by event id), runs the job's handler on a bounded number of workers, and
 * reports run.started, throttled run.progress, heartbeats and run.finished. The job definitions
 * are {@code BuiltInJob} beans, announced by platform.
 */
@Component
class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
    private static final String CONSUMER = "dataset-run-executor";

    private final Map<String, RunHandler> handlers;
    private final RunReporter reporter;
    private final ProcessedEvents processed;
    private final TransactionalOperator tx;
    private final EventCodec codec;
    private final DatasetProperties.Runs config;
    private final String service;
    private final Sinks.Many<Accepted> queue = Sinks.many().unicast().onBackpressureBuffer();
    /** Runs accepted and not finished on this instance, with their cancel flag. */
    private final Map<String, AtomicBoolean> cancelled = new ConcurrentHashMap<>();
    private Disposable workers;

    private final DatabaseClient db;

    RunExecutor(List<RunHandler> handlers, RunReporter reporter, ProcessedEvents processed, TransactionalOperator tx,
                EventCodec codec, DatasetProperties properties, DatabaseClient db,
                @Value("${spring.application.name}") String service) {
        this.db = db;
        this.handlers = handlers.stream().collect(Collectors.toMap(RunHandler::jobId, Function.identity()));
        this.reporter = reporter;
        this.processed = processed;
        this.tx = tx;
        this.codec = codec;
        this.config = properties.runs();
        this.service = service;
    }

    private record Accepted(RunRef ref, JsonNode args, RunHandler handler) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        workers = queue.asFlux()
                .flatMap(this::execute, Math.max(1, config.workers()))
                .subscribe();
    }

    @KafkaListener(id = "dataset-run-executor", topics = "#{@topics.runEvents()}")
    void on(EventEnvelope event) {
        if (!EventTypes.RUN_CREATED.equals(event.type())) {
            return;
        }
        RunEvents.RunCreated created = codec.data(event, RunEvents.RunCreated.class);
        RunHandler handler = handlers.get(created.jobId());
        if (!service.equals(created.executor()) || handler == null) {
            return;
        }
        RunRef ref = new RunRef(created.runId(), created.jobId(), event.tenant(), Math.max(1, created.attempt()));
        cancelled.putIfAbsent(ref.runId(), new AtomicBoolean());
        JsonNode args = created.args() == null ? codec.mapper().createObjectNode() : created.args();
        processed.firstTime(CONSUMER, event.id())
                .flatMap(first -> first ? remember(ref, args).thenReturn(true) : Mono.just(false))
                .as(tx::transactional)
                .filter(Boolean::booleanValue)
                .subscribe(first -> queue.emitNext(new Accepted(ref, args, handler),
                                Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))),
                        error -> log.error("could not accept run {}", ref.runId(), error));
    }

    /**
     * Cancel requests reach every instance (a group of its own per instance); the one running the
     * run stops it at its next progress report, a queued run never starts.
     */
    @KafkaListener(id = "dataset-run-control", topics = "#{@topics.runControl()}",
            groupId = "dataset-run-control-#{T(java.util.UUID).randomUUID()}")
    void onControl(EventEnvelope event) {
        if (EventTypes.RUN_RETRY_REQUESTED.equals(event.type())) {
            retry(event);
            return;
        }
        if (!EventTypes.RUN_CANCEL_REQUESTED.equals(event.type())) {
            return;
        }
        RunEvents.ControlRequested request = codec.data(event, RunEvents.ControlRequested.class);
        AtomicBoolean flag = cancelled.get(request.runId());
        if (flag != null && service.equals(request.executor())) {
            flag.set(true);
        }
    }

    /** Every instance hears the request; the processed_event row lets exactly one of them run the new attempt. */
    private void retry(EventEnvelope event) {
        RunEvents.ControlRequested request = codec.data(event, RunEvents.ControlRequested.class);
        if (!service.equals(request.executor())) {
            return;
        }
        processed.firstTime(CONSUMER + "-retry", event.id())
                .filter(Boolean::booleanValue)
                .flatMap(first -> db.sql("select tenant_id, job_id, args::text as args from dataset_run where run_id = :run")
                        .bind("run", request.runId())
                        .map(row -> new Accepted(
                                new RunRef(request.runId(), row.get("job_id", String.class), row.get("tenant_id", String.class),
                                        Math.max(1, request.attempt())),
                                codec.mapper().readTree(row.get("args", String.class)),
                                handlers.get(row.get("job_id", String.class))))
                        .one())
                .as(tx::transactional)
                .filter(accepted -> accepted.handler() != null)
                .subscribe(accepted -> {
                            cancelled.put(accepted.ref().runId(), new AtomicBoolean());
                            queue.emitNext(accepted, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                        },
                        error -> log.error("could not retry run {}", request.runId(), error));
    }

    private Mono<Void> remember(RunRef ref, JsonNode args) {
        return db.sql("""
                        insert into dataset_run (run_id, tenant_id, job_id, args, attempt)
                        values (:run, :tenant, :job, :args, :attempt) on conflict (run_id) do nothing""")
                .bind("run", ref.runId()).bind("tenant", ref.tenant()).bind("job", ref.jobId())
                .bind("args", io.r2dbc.postgresql.codec.Json.of(codec.mapper().writeValueAsString(args)))
                .bind("attempt", ref.attempt())
                .then();
    }

    private Mono<Void> execute(Accepted accepted) {
        RunRef ref = accepted.ref();
        AtomicBoolean cancel = cancelled.computeIfAbsent(ref.runId(), id -> new AtomicBoolean());
        if (cancel.get()) {
            cancelled.remove(ref.runId());
            return reporter.finished(ref, RunStatus.CANCELLED, null, new RunEvents.RunError("cancelled", "cancelled before it started"))
                    .onErrorResume(error -> Mono.empty());
        }
        AtomicLong lastProgress = new AtomicLong();
        RunHandler.Progress progress = (fraction, message) -> {
            if (cancel.get()) {
                throw new RunCancelled();
            }
            long now = System.currentTimeMillis();
            long last = lastProgress.get();
            if (now - last >= config.progressIntervalMs() && lastProgress.compareAndSet(last, now)) {
                reporter.progress(ref, fraction, message, null)
                        .subscribe(null, error -> log.warn("progress of {} not reported", ref.runId(), error));
            }
        };
        Disposable heartbeats = Flux.interval(Duration.ofSeconds(config.heartbeatSeconds()), Schedulers.parallel())
                .concatMap(tick -> reporter.heartbeat(ref, service, config.leaseSeconds()).onErrorResume(e -> Mono.empty()))
                .subscribe();
        return reporter.started(ref, service, config.leaseSeconds())
                .then(Mono.defer(() -> accepted.handler().execute(ref, accepted.args() == null
                        ? codec.mapper().createObjectNode() : accepted.args(), progress)))
                .flatMap(result -> reporter.progress(ref, 1.0, "done", null)
                        .then(reporter.finished(ref, RunStatus.COMPLETED, result, null)))
                .onErrorResume(error -> cancel.get() || hasCause(error, RunCancelled.class),
                        error -> reporter.finished(ref, RunStatus.CANCELLED, null,
                                new RunEvents.RunError("cancelled", "cancelled on request")))
                .onErrorResume(error -> {
                    RunEvents.RunError runError = error instanceof RunHandler.RunFailure failure
                            ? new RunEvents.RunError(failure.code(), failure.getMessage())
                            : new RunEvents.RunError("internal_error", String.valueOf(error.getMessage()));
                    if (!(error instanceof RunHandler.RunFailure)) {
                        log.error("run {} failed", ref.runId(), error);
                    }
                    return reporter.finished(ref, RunStatus.FAILED, null, runError);
                })
                .doFinally(signal -> {
                    heartbeats.dispose();
                    cancelled.remove(ref.runId());
                })
                .onErrorResume(error -> {
                    log.error("run {} could not be reported", ref.runId(), error);
                    return Mono.empty();
                });
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Thrown from a progress report of a run whose cancellation was requested. */
    static final class RunCancelled extends RuntimeException {
        RunCancelled() {
            super("cancelled on request", null, false, false);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (workers != null) {
            workers.dispose();
        }
    }
}
