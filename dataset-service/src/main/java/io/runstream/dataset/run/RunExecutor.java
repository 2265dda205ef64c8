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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Executes the runs of this service's jobs: consumes {@code run.created} where the executor is this
 * service (deduplicated by event id, older attempts refused), runs the job's handler on a bounded
 * number of workers, and reports run.started, throttled run.progress, run.paused / run.resumed,
 * heartbeats and run.finished. The job definitions
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
    /** How long a control request for a run this instance never saw is kept. */
    private static final long UNCLAIMED_CONTROL_NANOS = Duration.ofMinutes(10).toNanos();
    /** Control state per run attempt ({@link #key}): runs accepted and not finished, and requests that came first. */
    private final Map<String, RunControl> controls = new ConcurrentHashMap<>();
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

    /**
     * Starts work on {@code run.created} only (a retry is a new {@code run.created} with the next attempt),
     * once per event and only for an attempt newer than any this service already accepted for the run.
     */
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
        JsonNode args = created.args() == null ? codec.mapper().createObjectNode() : created.args();
        processed.firstTime(CONSUMER, event.id())
                .flatMap(first -> first ? newerAttempt(ref, args) : Mono.just(false))
                .as(tx::transactional)
                .filter(Boolean::booleanValue)
                .subscribe(accepted -> queue.emitNext(new Accepted(ref, args, handler),
                                Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))),
                        error -> log.error("could not accept run {}", ref.runId(), error));
    }

    /**
     * Executes on this instance a run it has just created (its run.created committed), without waiting for the
     * event to come back through Kafka: the attempt is claimed in {@code dataset_run} first, so the event, when it
     * arrives, is refused as not newer. Answers false when the run was claimed already (then whoever claimed it runs it).
     */
    Mono<Boolean> executeHere(String runId, String tenant, String jobId, JsonNode args) {
        RunHandler handler = handlers.get(jobId);
        if (handler == null) {
            return Mono.just(false);
        }
        RunRef ref = new RunRef(runId, jobId, tenant, 1);
        return newerAttempt(ref, args)
                .as(tx::transactional)
                .doOnNext(claimed -> {
                    if (claimed) {
                        queue.emitNext(new Accepted(ref, args, handler), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                    }
                });
    }

    /**
     * Cancel, pause and resume requests reach every instance (a group of its own per instance); the
     * one running the attempt acts on it at the run's next checkpoint. A request for an attempt not
     * seen yet is kept for when it arrives. Retry requests are informational (see {@link #on}).
     */
    @KafkaListener(id = "dataset-run-control", topics = "#{@topics.runControl()}",
            groupId = "dataset-run-control-#{T(java.util.UUID).randomUUID()}")
    void onControl(EventEnvelope event) {
        if (!EventTypes.CONTROL_EVENTS.contains(event.type()) || EventTypes.RUN_RETRY_REQUESTED.equals(event.type())) {
            return;
        }
        RunEvents.ControlRequested request = codec.data(event, RunEvents.ControlRequested.class);
        if (!service.equals(request.executor())) {
            return;
        }
        controls.values().removeIf(control -> control.unclaimedFor(UNCLAIMED_CONTROL_NANOS));
        RunControl control = controls.computeIfAbsent(key(request.runId(), Math.max(1, request.attempt())),
                k -> new RunControl());
        switch (event.type()) {
            case EventTypes.RUN_CANCEL_REQUESTED -> control.cancel();
            case EventTypes.RUN_PAUSE_REQUESTED -> control.pause();
            default -> control.resume();
        }
    }

    private static String key(String runId, int attempt) {
        return runId + "#" + attempt;
    }

    /** Records the attempt in {@code dataset_run}; true when it is newer than the one recorded (or the first). */
    private Mono<Boolean> newerAttempt(RunRef ref, JsonNode args) {
        return db.sql("""
                        insert into dataset_run (run_id, tenant_id, job_id, args, attempt)
                        values (:run, :tenant, :job, :args, :attempt)
                        on conflict (run_id) do update set attempt = excluded.attempt, args = excluded.args
                        where dataset_run.attempt < excluded.attempt""")
                .bind("run", ref.runId()).bind("tenant", ref.tenant()).bind("job", ref.jobId())
                .bind("args", io.r2dbc.postgresql.codec.Json.of(codec.mapper().writeValueAsString(args)))
                .bind("attempt", ref.attempt())
                .fetch().rowsUpdated()
                .map(rows -> rows > 0);
    }

    private Mono<Void> execute(Accepted accepted) {
        RunRef ref = accepted.ref();
        String key = key(ref.runId(), ref.attempt());
        RunControl control = controls.computeIfAbsent(key, k -> new RunControl());
        control.accept();
        if (control.cancelled()) {
            controls.remove(key);
            return reporter.finished(ref, RunStatus.CANCELLED, null, new RunEvents.RunError("cancelled", "cancelled before it started"))
                    .onErrorResume(error -> Mono.empty());
        }
        Mono<Void> paused = Mono.defer(() -> reporter.paused(ref)).onErrorResume(error -> {
            log.warn("pause of {} not reported", ref.runId(), error);
            return Mono.empty();
        });
        Mono<Void> resumed = Mono.defer(() -> reporter.resumed(ref)).onErrorResume(error -> {
            log.warn("resume of {} not reported", ref.runId(), error);
            return Mono.empty();
        });
        AtomicLong lastProgress = new AtomicLong();
        RunHandler.Progress progress = new RunHandler.Progress() {
            @Override
            public void report(double fraction, String message) {
                control.awaitBlocking(paused, resumed);
                long now = System.currentTimeMillis();
                long last = lastProgress.get();
                if (now - last >= config.progressIntervalMs() && lastProgress.compareAndSet(last, now)) {
                    reporter.progress(ref, fraction, message, null)
                            .subscribe(null, error -> log.warn("progress of {} not reported", ref.runId(), error));
                }
            }

            @Override
            public Mono<Void> checkpoint() {
                return control.checkpoint(paused, resumed);
            }
        };
        Disposable heartbeats = Flux.interval(Duration.ofSeconds(config.heartbeatSeconds()), Schedulers.parallel())
                .concatMap(tick -> reporter.heartbeat(ref, service, config.leaseSeconds()).onErrorResume(e -> Mono.empty()))
                .subscribe();
        return reporter.started(ref, service, config.leaseSeconds())
                .then(progress.checkpoint())
                .then(Mono.defer(() -> accepted.handler().execute(ref, accepted.args(), progress)))
                .flatMap(result -> reporter.progress(ref, 1.0, "done", null)
                        .then(reporter.finished(ref, RunStatus.COMPLETED, result, null)))
                .onErrorResume(error -> control.cancelled() || hasCause(error, RunControl.RunCancelled.class),
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
                    controls.remove(key);
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

    @jakarta.annotation.PreDestroy
    void stop() {
        if (workers != null) {
            workers.dispose();
        }
    }
}
