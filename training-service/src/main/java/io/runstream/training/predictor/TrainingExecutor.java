package io.runstream.training.predictor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import io.runstream.training.config.TrainingProperties;
import io.runstream.training.data.DatasetUnavailableException;
import io.runstream.training.data.TrainingDataSource;
import io.runstream.training.engine.DataTable;
import io.runstream.model.Preprocessing;
import io.runstream.training.engine.TrainingCancelledException;
import io.runstream.training.engine.TrainingEngine;
import io.runstream.training.engine.TrainingException;
import io.runstream.training.store.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Executes training and feature-importance runs on a bounded worker pool. Runs queue in order;
 * at most {@code runstream.training.workers} execute at once and the others stay {@code pending}
 * until a worker claims them. A claim is an atomic pending → running update, so a run executes
 * once even when several replicas (or a restart's recovery) see it.
 */
@Component
class TrainingExecutor implements DisposableBean {

    enum Kind { TRAINING, IMPORTANCE }

    enum CancelOutcome { CANCELLED, REQUESTED, ALREADY_FINISHED, NOT_FOUND }

    record Job(Kind kind, String runId) {
    }

    private static final Logger log = LoggerFactory.getLogger(TrainingExecutor.class);
    private static final TypeReference<List<TrainApi.ColumnRequest>> COLUMNS = new TypeReference<>() {
    };

    private final PredictorRepository repository;
    private final TransactionalOperator tx;
    private final RunReporter reporter;
    private final EventOutbox outbox;
    private final Topics topics;
    private final EventCodec codec;
    private final TrainingProperties properties;
    private final ModelStore store;
    private final TrainingDataSource dataSource;
    private final TrainingEngine engine;
    private final Scheduler workers;
    private final Sinks.Many<Job> queue = Sinks.many().unicast().onBackpressureBuffer();
    private final Map<String, RunControl> controls = new ConcurrentHashMap<>();
    private final Set<String> importanceRuns = ConcurrentHashMap.newKeySet();
    private final Disposable loop;

    TrainingExecutor(PredictorRepository repository, TransactionalOperator tx, RunReporter reporter, EventOutbox outbox,
                     Topics topics, EventCodec codec, TrainingProperties properties, ModelStore store,
                     TrainingDataSource dataSource) {
        this.repository = repository;
        this.tx = tx;
        this.reporter = reporter;
        this.outbox = outbox;
        this.topics = topics;
        this.codec = codec;
        this.properties = properties;
        this.store = store;
        this.dataSource = dataSource;
        this.engine = new TrainingEngine(properties.engineOptions());
        this.workers = Schedulers.newBoundedElastic(Math.max(1, properties.workers()), Integer.MAX_VALUE, "training-worker");
        this.loop = queue.asFlux()
                .flatMap(job -> execute(job).onErrorResume(e -> {
                    log.error("run {} could not be executed", job.runId(), e);
                    return Mono.empty();
                }), Math.max(1, properties.workers()))
                .subscribe();
    }

    /** Queues a run; it stays pending until a worker is free. */
    synchronized void submit(Kind kind, String runId) {
        queue.emitNext(new Job(kind, runId), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    /** Runs left pending by a previous process (their run.created was consumed, the queue was lost). */
    @EventListener(ApplicationReadyEvent.class)
    void recoverPending() {
        repository.pendingTrainings().map(t -> new Job(Kind.TRAINING, t.runId()))
                .concatWith(repository.pendingImportance().map(i -> new Job(Kind.IMPORTANCE, i.runId())))
                .subscribe(job -> submit(job.kind(), job.runId()),
                        e -> log.warn("could not recover pending runs: {}", e.toString()));
    }

    private Mono<Void> execute(Job job) {
        return job.kind() == Kind.TRAINING ? executeTraining(job.runId()) : executeImportance(job.runId());
    }

    // ------------------------------------------------------------------ training

    record Saved(TrainingEngine.Result result, long preprocessId, String path, TrainingEngine.Importance importance) {
    }

    private Mono<Void> executeTraining(String runId) {
        return repository.findTrainingByRun(runId).flatMap(training -> {
            RunRef run = new RunRef(runId, training.jobId(), training.tenantId(), training.attempt());
            return tx.transactional(repository.claim(training.id()).flatMap(won -> won
                            ? reporter.started(run, DefaultPredictorService.EXECUTOR, properties.leaseSeconds()).thenReturn(true)
                            : Mono.just(false)))
                    .flatMap(won -> won ? train(training, run) : Mono.empty());
        });
    }

    private Mono<Void> train(Rows.Training training, RunRef run) {
        RunControl control = new RunControl(run.attempt());
        controls.put(run.runId(), control);
        RunSignals signals = new RunSignals(run, reporter, control,
                () -> tx.transactional(repository.setPaused(training.id(), true)
                        .flatMap(moved -> moved ? reporter.paused(run) : Mono.empty())),
                () -> tx.transactional(repository.setPaused(training.id(), false)
                        .flatMap(moved -> moved ? reporter.resumed(run) : Mono.empty())));
        Disposable heartbeat = heartbeat(run);
        Path temp = tempFile(run.runId());
        Mono<Void> work = repository.findPredictor(training.tenantId(), training.predictorId())
                .flatMap(predictor -> {
                    TrainingSpec spec = TrainingSpec.of(new TrainApi.TrainRequest(training.datasetId(),
                            predictor.predictorName(), predictor.domain(), predictor.problemType(),
                            codec.mapper().readValue(training.columns(), COLUMNS), training.incremental(),
                            training.algorithm(), training.shapEnabled()));
                    return step(run, "load", load(training.tenantId(), training.datasetId(), temp))
                            .flatMap(table -> base(training).flatMap(base -> Mono.fromCallable(() -> engine.train(table,
                                            spec.columns(), spec.type(), spec.algorithm(), training.splitSeed(),
                                            base.orElse(null), signals))
                                    .subscribeOn(workers)))
                            .flatMap(result -> signals.drain().thenReturn(result))
                            .flatMap(result -> step(run, "save", save(training, predictor, result, workers)))
                            .flatMap(saved -> training.shapEnabled() ? step(run, "explain", explain(training, saved)) : Mono.just(saved))
                            .flatMap(saved -> complete(training, run, saved, control));
                });
        return work
                .onErrorResume(error -> signals.drain().onErrorResume(e -> Mono.empty())
                        .then(fail(training.id(), run, error, signals.currentStep(), false)))
                .doFinally(signal -> {
                    heartbeat.dispose();
                    controls.remove(run.runId(), control);
                    deleteQuietly(temp);
                });
    }

    private Mono<DataTable> load(String tenant, long datasetId, Path temp) {
        return DataBufferUtils.write(dataSource.content(tenant, datasetId), temp)
                .then(Mono.fromCallable(() -> engine.read(temp)).subscribeOn(workers));
    }

    private Mono<Optional<TrainingEngine.Base>> base(Rows.Training training) {
        if (training.baseTrainingId() == null) {
            return Mono.just(Optional.empty());
        }
        return repository.findTrainingById(training.baseTrainingId())
                .flatMap(base -> repository.preprocessArtifact(base.tenantId(), base.preprocessId())
                        .flatMap(artifact -> Mono.fromCallable(() -> {
                            Path model = store.file(base.tenantId(), base.predictorId(), base.version(), ModelStore.MODEL)
                                    .orElseThrow(() -> new TrainingException("base-model-missing",
                                            "The model files of version " + base.version() + " are missing"));
                            return Optional.of(new TrainingEngine.Base(codec.mapper().readValue(artifact, Preprocessing.class),
                                    Files.readAllBytes(model), base.booster()));
                        }).subscribeOn(workers)));
    }

    /** Writes the bundle on {@code io} (the worker pool for our own trainings, whose worker waits for it anyway). */
    private Mono<Saved> save(Rows.Training training, Rows.Predictor predictor, TrainingEngine.Result result, Scheduler io) {
        String preprocessJson = codec.mapper().writeValueAsString(result.preprocessing());
        Mono<Long> preprocessId = training.baseTrainingId() != null
                ? repository.findTrainingById(training.baseTrainingId()).map(Rows.Training::preprocessId)
                : repository.insertPreprocess(training.predictorId(), training.tenantId(), preprocessJson);
        return preprocessId.flatMap(id -> Mono.fromCallable(() -> {
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", "runstream-xgboost-bundle/1");
            manifest.put("train_id", training.predictorId());
            manifest.put("predictor_name", predictor.predictorName());
            manifest.put("model_version", training.version());
            manifest.put("preprocess_id", id);
            manifest.put("problem_type", predictor.problemType());
            manifest.put("booster", result.booster());
            manifest.put("target", result.preprocessing().target());
            manifest.put("xgboost_version", "3.0.4");
            manifest.put("created_at", Instant.now().toString());
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(ModelStore.MODEL, result.model());
            files.put(ModelStore.PREPROCESS, preprocessJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String path = store.save(training.tenantId(), training.predictorId(), training.version(), files, manifest,
                    codec.mapper());
            return new Saved(result, id, path, null);
        }).subscribeOn(io));
    }

    private Mono<Saved> explain(Rows.Training training, Saved saved) {
        TrainingEngine.Result result = saved.result();
        return Mono.fromCallable(() -> engine.importance(result.preprocessing(), result.model(), result.explainSample(),
                        result.explainRows()))
                .subscribeOn(workers)
                .flatMap(importance -> repository.upsertImportance(training.predictorId(), training.tenantId(), training.id(),
                                training.runId(), "completed", json(importance.shares()), json(importance.meanAbsShap()),
                                importance.rows(), null)
                        .thenReturn(new Saved(result, saved.preprocessId(), saved.path(), importance)));
    }

    private Mono<Void> complete(Rows.Training training, RunRef run, Saved saved, RunControl control) {
        if (control.cancelled()) {
            return Mono.error(new TrainingCancelledException());
        }
        TrainingEngine.Result result = saved.result();
        ObjectNode summary = codec.mapper().createObjectNode();
        summary.put("job_id", training.jobId());
        summary.put("train_id", training.predictorId());
        summary.put("model_version", training.version());
        summary.put("preprocess_id", saved.preprocessId());
        summary.put("booster", result.booster());
        summary.put("split_seed", result.splitSeed());
        summary.set("metrics", codec.mapper().valueToTree(result.evaluation().metrics()));
        String confusion = result.evaluation().confusionMatrix() == null ? null : json(result.evaluation().confusionMatrix());
        return tx.transactional(repository.complete(training.id(), result.booster(), saved.preprocessId(),
                        result.trainRows(), result.validationRows(), result.boostedRounds(),
                        json(result.evaluation().metrics()), confusion, saved.path())
                .flatMap(applied -> applied
                        ? repository.activate(training.predictorId(), training.id())
                        .then(reporter.finished(run, RunStatus.COMPLETED, summary, null))
                        : Mono.empty()));
    }

    /**
     * Completes a training with a model an external engine trained ({@code /train/result} with
     * {@code model} and {@code preprocess}): the same bundle, preprocess artifact, activation and
     * {@code run.finished} as a training executed here, so inference-service serves it.
     */
    Mono<Void> completeExternally(Rows.Training training, RunRef run, TrainingEngine.Result result) {
        return repository.findPredictor(training.tenantId(), training.predictorId())
                // not on the worker pool: its workers may all be busy (or paused) with other trainings
                .flatMap(predictor -> save(training, predictor, result, Schedulers.boundedElastic()))
                .flatMap(saved -> complete(training, run, saved, new RunControl(run.attempt())));
    }

    // ------------------------------------------------------------------ feature importance

    private Mono<Void> executeImportance(String runId) {
        return repository.findImportanceByRun(runId).flatMap(importance -> {
            RunRef run = new RunRef(runId, DefaultPredictorService.IMPORTANCE_JOB, importance.tenantId(), importance.attempt());
            return tx.transactional(repository.claimImportance(runId).flatMap(won -> won
                            ? reporter.started(run, DefaultPredictorService.EXECUTOR, properties.leaseSeconds()).thenReturn(true)
                            : Mono.just(false)))
                    .flatMap(won -> won ? importance(importance, run) : Mono.empty());
        });
    }

    private Mono<Void> importance(Rows.Importance importance, RunRef run) {
        importanceRuns.add(run.runId());
        Disposable heartbeat = heartbeat(run);
        Path temp = tempFile(run.runId());
        Mono<Void> work = repository.findTrainingById(importance.trainingId())
                .flatMap(training -> repository.preprocessArtifact(training.tenantId(), training.preprocessId())
                        .map(artifact -> codec.mapper().readValue(artifact, Preprocessing.class))
                        .flatMap(preprocessing -> step(run, "load", load(training.tenantId(), training.datasetId(), temp))
                                .flatMap(table -> step(run, "explain", Mono.fromCallable(() -> {
                                    if (preprocessing.forecast() != null) {
                                        throw new TrainingException("not-supported", "Feature importance of a Forecast "
                                                + "model is computed at training time (shap_enabled), not from a dataset");
                                    }
                                    Path model = store.file(training.tenantId(), training.predictorId(), training.version(),
                                            ModelStore.MODEL).orElseThrow(() -> new TrainingException("model-missing",
                                            "The model files of version " + training.version() + " are missing"));
                                    int rows = Math.min(table.rowCount(), properties.shapSampleRows());
                                    return engine.importance(preprocessing, Files.readAllBytes(model),
                                            engine.encodeRows(table, preprocessing, rows), rows);
                                }).subscribeOn(workers)))
                                .flatMap(result -> {
                                    ObjectNode summary = codec.mapper().createObjectNode();
                                    summary.put("job_id", DefaultPredictorService.IMPORTANCE_JOB);
                                    summary.put("train_id", training.predictorId());
                                    summary.put("model_version", training.version());
                                    summary.set("feature_importance", codec.mapper().valueToTree(result.shares()));
                                    return tx.transactional(repository.finishImportance(run.runId(), "completed",
                                                    json(result.shares()), json(result.meanAbsShap()), result.rows(), null)
                                            .flatMap(applied -> applied
                                                    ? reporter.finished(run, RunStatus.COMPLETED, summary, null)
                                                    : Mono.empty()));
                                })));
        return work
                .onErrorResume(error -> fail(0, run, error, null, true))
                .doFinally(signal -> {
                    importanceRuns.remove(run.runId());
                    heartbeat.dispose();
                    deleteQuietly(temp);
                });
    }

    // ------------------------------------------------------------------ cancel

    /** Cancels a run of this service: at once when it is pending, at the next boosting round when running. */
    Mono<CancelOutcome> cancel(String tenant, String runId) {
        return repository.findTrainingByRun(runId)
                .filter(t -> tenant == null || t.tenantId().equals(tenant))
                .flatMap(training -> {
                    if (training.terminal()) {
                        return Mono.just(CancelOutcome.ALREADY_FINISHED);
                    }
                    RunRef run = new RunRef(runId, training.jobId(), training.tenantId(), training.attempt());
                    return cancelRun(run, repository.finish(training.id(), "cancelled", "cancelled",
                            "cancelled before it started").map(b -> b), tenant != null);
                })
                .switchIfEmpty(Mono.defer(() -> repository.findImportanceByRun(runId)
                        .filter(i -> tenant == null || i.tenantId().equals(tenant))
                        .flatMap(importance -> {
                            if (!DefaultPredictorService.isActive(importance.status())) {
                                return Mono.just(CancelOutcome.ALREADY_FINISHED);
                            }
                            RunRef run = new RunRef(runId, DefaultPredictorService.IMPORTANCE_JOB, importance.tenantId(),
                                    importance.attempt());
                            return cancelRun(run, repository.cancelPendingImportance(runId), tenant != null);
                        })))
                .defaultIfEmpty(CancelOutcome.NOT_FOUND);
    }

    private Mono<CancelOutcome> cancelRun(RunRef run, Mono<Boolean> cancelIfPending, boolean announce) {
        return tx.transactional(cancelIfPending.flatMap(cancelledPending -> {
            if (cancelledPending) {
                return reporter.finished(run, RunStatus.CANCELLED, null,
                        new RunEvents.RunError("cancelled", "The run was cancelled before it started"))
                        .thenReturn(CancelOutcome.CANCELLED);
            }
            requestCancel(run.runId());
            // the replica executing the run may be another one: tell them all through the control topic
            Mono<Void> broadcast = announce ? outbox.append(topics.runControl(), codec.event(reporter.source(),
                    EventTypes.RUN_CANCEL_REQUESTED, run.runId(), run.tenant(), new RunEvents.ControlRequested(run.runId(),
                            run.jobId(), DefaultPredictorService.EXECUTOR, run.attempt(), null, "terminate_ray_job")))
                    : Mono.empty();
            return broadcast.thenReturn(CancelOutcome.REQUESTED);
        }));
    }

    /** Flags a run executing in this process; its training stops before the next round. */
    void requestCancel(String runId) {
        RunControl control = controls.get(runId);
        if (control != null) {
            control.cancel();
        }
    }

    enum ControlOutcome { APPLIED, NOT_HERE, STALE_ATTEMPT, NOT_SUPPORTED }

    /**
     * Pause ({@code pause}) or resume a training executing in this process: it pauses before its
     * next boosting round, reporting {@code run.paused}, and continues on resume with
     * {@code run.resumed}. A feature-importance run is one SHAP computation without a round
     * boundary, so it cannot pause: the request is refused with a log line on the run.
     *
     * @param attempt the attempt the request is for (0: any); a request for another attempt is stale
     */
    Mono<ControlOutcome> pauseOrResume(String runId, int attempt, boolean pause) {
        RunControl control = controls.get(runId);
        if (control == null) {
            if (!importanceRuns.contains(runId)) {
                return Mono.just(ControlOutcome.NOT_HERE);
            }
            return repository.findImportanceByRun(runId)
                    .flatMap(importance -> reporter.log(new RunRef(runId, DefaultPredictorService.IMPORTANCE_JOB,
                            importance.tenantId(), importance.attempt()), "explain", "WARN", (pause ? "pause" : "resume")
                            + " is not supported for feature-importance runs (one SHAP computation with no round "
                            + "boundary to stop at); the run continues"))
                    .thenReturn(ControlOutcome.NOT_SUPPORTED);
        }
        if (attempt > 0 && attempt != control.attempt()) {
            return Mono.just(ControlOutcome.STALE_ATTEMPT);
        }
        if (pause) {
            control.pause();
        } else {
            control.resume();
        }
        return Mono.just(ControlOutcome.APPLIED);
    }

    // ------------------------------------------------------------------ retry

    /** Outcomes of a retry: a new attempt of a run this service executed before. */
    private enum Retry { STARTED, DUPLICATE, NOT_YET, REFUSED }

    private record RetryDecision(Retry outcome, String message) {
    }

    /**
     * Job-service retries a failed or cancelled run by announcing attempt {@code attempt} of it:
     * the same training (same predictor, model version, args) becomes pending again and is queued.
     * While the previous attempt is still stopping here, the retry waits for it (up to two lease
     * periods). A training that completed here (job-service failed it, e.g. on an expired lease) is
     * not trained again: the attempt fails with {@code not-retryable} and says why.
     */
    void retry(Kind kind, String runId, String jobId, String tenant, int attempt) {
        Mono<RetryDecision> once = kind == Kind.TRAINING
                ? repository.findTrainingByRun(runId).flatMap(t -> retryTraining(t, attempt))
                .defaultIfEmpty(new RetryDecision(Retry.REFUSED, "The predictor of this training was deleted since"))
                : repository.findImportanceByRun(runId).flatMap(i -> retryImportance(i, attempt))
                .defaultIfEmpty(new RetryDecision(Retry.REFUSED, "The feature importance of this predictor was deleted "
                        + "or recomputed by another run since; generate it again instead"));
        int tries = Math.max(1, properties.leaseSeconds() * 2);
        Mono.defer(() -> once)
                .flatMap(decision -> decision.outcome() == Retry.NOT_YET ? Mono.error(new IllegalStateException(
                        "attempt " + (attempt - 1) + " is still stopping")) : Mono.just(decision))
                .retryWhen(reactor.util.retry.Retry.fixedDelay(tries, Duration.ofSeconds(1))
                        .filter(e -> e instanceof IllegalStateException))
                .onErrorResume(IllegalStateException.class, e -> Mono.just(new RetryDecision(Retry.REFUSED,
                        "The previous attempt of this run did not stop within " + tries + " s")))
                .flatMap(decision -> switch (decision.outcome()) {
                    case STARTED -> Mono.fromRunnable(() -> submit(kind, runId));
                    case REFUSED -> {
                        log.info("attempt {} of run {} refused: {}", attempt, runId, decision.message());
                        RunRef run = new RunRef(runId, jobId, tenant, attempt);
                        yield tx.transactional(reporter.started(run, DefaultPredictorService.EXECUTOR, properties.leaseSeconds())
                                .then(reporter.finished(run, RunStatus.FAILED, null,
                                        new RunEvents.RunError("not-retryable", decision.message()))));
                    }
                    default -> Mono.empty();
                })
                .subscribe(null, e -> log.error("attempt {} of run {} could not be started", attempt, runId, e));
    }

    private Mono<RetryDecision> retryTraining(Rows.Training training, int attempt) {
        if (training.attempt() >= attempt) {
            return Mono.just(new RetryDecision(Retry.DUPLICATE, null));
        }
        return repository.newAttempt(training.id(), attempt).map(moved -> {
            if (moved) {
                return new RetryDecision(Retry.STARTED, null);
            }
            if (training.status().equals("completed")) {
                return new RetryDecision(Retry.REFUSED, "This run's training completed here (model version "
                        + training.version() + ") and is not trained again; start a new training with POST /api/v1/train/");
            }
            requestCancel(training.runId());
            return new RetryDecision(Retry.NOT_YET, null);
        });
    }

    private Mono<RetryDecision> retryImportance(Rows.Importance importance, int attempt) {
        if (importance.attempt() >= attempt) {
            return Mono.just(new RetryDecision(Retry.DUPLICATE, null));
        }
        return repository.newImportanceAttempt(importance.runId(), attempt).map(moved -> moved
                ? new RetryDecision(Retry.STARTED, null)
                : importance.status().equals("completed")
                ? new RetryDecision(Retry.REFUSED, "This feature-importance run completed here and is not computed again")
                : new RetryDecision(Retry.NOT_YET, null));
    }

    // ------------------------------------------------------------------ helpers

    private <T> Mono<T> step(RunRef run, String name, Mono<T> work) {
        return reporter.stepStarted(run, name, name).then(work)
                .flatMap(value -> reporter.stepFinished(run, name, name, RunStatus.COMPLETED, null).thenReturn(value))
                .onErrorMap(e -> e instanceof StepFailure ? e : new StepFailure(name, e));
    }

    /** Remembers in which executor step (load, save, explain) a failure happened. */
    static final class StepFailure extends RuntimeException {
        final String step;

        StepFailure(String step, Throwable cause) {
            super(cause);
            this.step = step;
        }
    }

    private Mono<Void> fail(long trainingId, RunRef run, Throwable error, String engineStep, boolean importance) {
        String step = engineStep;
        Throwable cause = error;
        if (error instanceof StepFailure failure) {
            step = failure.step;
            cause = failure.getCause();
        }
        boolean cancelled = cause instanceof TrainingCancelledException;
        String code;
        String message;
        if (cancelled) {
            code = "cancelled";
            message = "The training was cancelled";
        } else if (cause instanceof TrainingException e) {
            code = e.code();
            message = e.getMessage();
        } else if (cause instanceof DatasetUnavailableException e) {
            code = e.notFound() ? "dataset-not-found" : "dataset-unavailable";
            message = e.getMessage();
        } else {
            log.error("run {} failed unexpectedly", run.runId(), cause);
            code = "internal-error";
            message = cause.toString();
        }
        RunStatus status = cancelled ? RunStatus.CANCELLED : RunStatus.FAILED;
        RunEvents.RunError runError = new RunEvents.RunError(code, message);
        String failedStep = step;
        Mono<Boolean> record = importance
                ? repository.finishImportance(run.runId(), status.name().toLowerCase(), null, null, null, message)
                : repository.finish(trainingId, status.name().toLowerCase(), code, message);
        return reporter.log(run, failedStep, cancelled ? "WARN" : "ERROR", message).onErrorResume(e -> Mono.empty())
                .then(tx.transactional(record.flatMap(applied -> !applied ? Mono.<Void>empty()
                        : (failedStep == null ? Mono.<Void>empty()
                        : reporter.stepFinished(run, failedStep, failedStep, status, runError))
                        .then(reporter.finished(run, status, null, runError)))));
    }

    private Disposable heartbeat(RunRef run) {
        return Flux.interval(properties.heartbeatInterval())
                .concatMap(tick -> reporter.heartbeat(run, DefaultPredictorService.EXECUTOR, properties.leaseSeconds())
                        .onErrorResume(e -> Mono.empty()))
                .subscribe();
    }

    /** A path only (no I/O here: this runs on an event loop); the download creates the file. */
    private static Path tempFile(String runId) {
        return Path.of(System.getProperty("java.io.tmpdir"), "runstream-" + runId + "-" + System.nanoTime() + ".csv");
    }

    private static void deleteQuietly(Path path) {
        Schedulers.boundedElastic().schedule(() -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        });
    }

    private String json(Object value) {
        return codec.mapper().writeValueAsString(value);
    }

    @Override
    public void destroy() {
        loop.dispose();
        workers.dispose();
        engine.close();
    }
}
