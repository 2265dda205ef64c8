package io.runstream.training.predictor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.outbox.ProcessedEvents;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import io.runstream.training.config.TrainingProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * Consumes the runs this service executes ({@code run.created} with executor training-service)
 * and the control requests for them (cancel). Deduplicated by event id.
 */
@Component
class RunEventListener {

    private static final Logger log = LoggerFactory.getLogger(RunEventListener.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final TransactionalOperator tx;
    private final PredictorRepository repository;
    private final DefaultPredictorService predictors;
    private final TrainingExecutor executor;
    private final RunReporter reporter;
    private final TrainingProperties properties;

    RunEventListener(EventCodec codec, ProcessedEvents processed, TransactionalOperator tx, PredictorRepository repository,
                     DefaultPredictorService predictors, TrainingExecutor executor, RunReporter reporter,
                     TrainingProperties properties) {
        this.codec = codec;
        this.processed = processed;
        this.tx = tx;
        this.repository = repository;
        this.predictors = predictors;
        this.executor = executor;
        this.reporter = reporter;
        this.properties = properties;
    }

    @KafkaListener(id = "training-run-created", topics = "#{@topics.runEvents()}")
    Mono<Void> onRunEvent(EventEnvelope event) {
        if (!EventTypes.RUN_CREATED.equals(event.type())) {
            return Mono.empty();
        }
        RunEvents.RunCreated created = codec.data(event, RunEvents.RunCreated.class);
        if (!DefaultPredictorService.EXECUTOR.equals(created.executor())) {
            return Mono.empty();
        }
        boolean training = DefaultPredictorService.TRAIN_JOB.equals(created.jobId());
        boolean importance = DefaultPredictorService.IMPORTANCE_JOB.equals(created.jobId());
        if (!training && !importance) {
            return Mono.empty();
        }
        TrainingExecutor.Kind kind = training ? TrainingExecutor.Kind.TRAINING : TrainingExecutor.Kind.IMPORTANCE;
        return tx.transactional(processed.firstTime("training-run-created", event.id())
                        .flatMap(first -> !first ? Mono.just(Start.NO)
                                : importance ? repository.findImportanceByRun(created.runId())
                                .map(existing -> created.attempt() > existing.attempt() ? Start.RETRY : Start.NOW)
                                .defaultIfEmpty(Start.NO)
                                : ensureTraining(created, event.tenant())))
                .doOnNext(start -> {
                    switch (start) {
                        case NOW -> executor.submit(kind, created.runId());
                        case RETRY -> executor.retry(kind, created.runId(), created.jobId(), event.tenant(), created.attempt());
                        default -> {
                            // a duplicate, or a run that is not ours to execute
                        }
                    }
                })
                .then();
    }

    /** What a run.created asks for: nothing, a first execution, or a new attempt of a run executed before. */
    private enum Start { NO, NOW, RETRY }

    /** Our own runs have their training row already; a run created by job-service gets one from its args. */
    private Mono<Start> ensureTraining(RunEvents.RunCreated created, String tenant) {
        return repository.findTrainingByRun(created.runId())
                .map(existing -> created.attempt() > existing.attempt() ? Start.RETRY : Start.NOW)
                .switchIfEmpty(Mono.defer(() -> predictors.adopt(created.runId(), tenant, created.owner(), created.args())
                        .map(adopted -> Start.NOW)
                        .onErrorResume(e -> e instanceof IllegalArgumentException || e instanceof ErrorResponseException,
                                e -> rejectRun(created, tenant, e).thenReturn(Start.NO))));
    }

    /** A run whose args cannot be trained: it starts and fails at once with the reason. */
    private Mono<Void> rejectRun(RunEvents.RunCreated created, String tenant, Throwable error) {
        String message = error instanceof ErrorResponseException problem && problem.getBody().getDetail() != null
                ? problem.getBody().getDetail() + describeErrors(problem) : error.getMessage();
        log.info("run {} rejected: {}", created.runId(), message);
        RunRef run = new RunRef(created.runId(), created.jobId(), tenant, created.attempt());
        return reporter.started(run, DefaultPredictorService.EXECUTOR, properties.leaseSeconds())
                .then(reporter.finished(run, RunStatus.FAILED, null, new RunEvents.RunError("invalid-args", message)));
    }

    private static String describeErrors(ErrorResponseException problem) {
        Object errors = problem.getBody().getProperties() == null ? null : problem.getBody().getProperties().get("errors");
        return errors == null ? "" : " " + errors;
    }

    /**
     * Every replica sees every control request: the one executing the run acts on it. Cancel stops
     * a training at its next boosting round (a pending one at once); pause waits at the next round
     * boundary until resume; retry needs nothing here (it arrives as run.created with attempt + 1).
     */
    @KafkaListener(id = "training-run-control", topics = "#{@topics.runControl()}",
            groupId = "training-control-#{T(java.util.UUID).randomUUID()}")
    Mono<Void> onControl(EventEnvelope event) {
        String type = event.type();
        boolean cancel = EventTypes.RUN_CANCEL_REQUESTED.equals(type);
        boolean pause = EventTypes.RUN_PAUSE_REQUESTED.equals(type);
        if (!cancel && !pause && !EventTypes.RUN_RESUME_REQUESTED.equals(type)) {
            return Mono.empty();
        }
        RunEvents.ControlRequested control = codec.data(event, RunEvents.ControlRequested.class);
        if (!DefaultPredictorService.EXECUTOR.equals(control.executor())) {
            return Mono.empty();
        }
        if (!cancel) {
            return executor.pauseOrResume(control.runId(), control.attempt(), pause)
                    .doOnNext(outcome -> log.info("{} of run {} (attempt {}): {}", pause ? "pause" : "resume",
                            control.runId(), control.attempt(), outcome))
                    .then();
        }
        executor.requestCancel(control.runId());
        return executor.cancel(null, control.runId())
                .doOnNext(outcome -> log.info("cancel of run {}: {}", control.runId(), outcome))
                .then();
    }
}
