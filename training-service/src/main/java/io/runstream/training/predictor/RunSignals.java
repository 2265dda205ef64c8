package io.runstream.training.predictor;

import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import io.runstream.training.engine.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Bridges the engine's callbacks (on the training thread) to the run's events: each callback
 * queues one report, and the reports are written in order, without blocking the training.
 */
final class RunSignals implements TrainingListener {

    private static final Logger log = LoggerFactory.getLogger(RunSignals.class);

    private final RunRef run;
    private final RunReporter reporter;
    private final RunControl control;
    private final Supplier<Mono<Void>> onPaused;
    private final Supplier<Mono<Void>> onResumed;
    private final Sinks.Many<Supplier<Mono<Void>>> queue = Sinks.many().unicast().onBackpressureBuffer();
    private final Mono<Void> done;
    private volatile String currentStep;

    /**
     * @param onPaused  records and announces that the run paused (queued like every report)
     * @param onResumed records and announces that it resumed
     */
    RunSignals(RunRef run, RunReporter reporter, RunControl control, Supplier<Mono<Void>> onPaused,
               Supplier<Mono<Void>> onResumed) {
        this.run = run;
        this.reporter = reporter;
        this.control = control;
        this.onPaused = onPaused;
        this.onResumed = onResumed;
        this.done = queue.asFlux()
                .concatMap(report -> report.get().onErrorResume(e -> {
                    log.warn("run {}: a progress report failed: {}", run.runId(), e.toString());
                    return Mono.empty();
                }))
                .then()
                .cache();
        this.done.subscribe();
    }

    @Override
    public void stepStarted(String step) {
        currentStep = step;
        emit(() -> reporter.stepStarted(run, step, step));
    }

    @Override
    public void stepFinished(String step) {
        currentStep = null;
        emit(() -> reporter.stepFinished(run, step, step, RunStatus.COMPLETED, null));
    }

    @Override
    public void round(String booster, int round, int totalRounds, double progress, String metric, double value) {
        emit(() -> reporter.progress(run, progress, booster + " round " + round + "/" + totalRounds,
                Map.of("validation_" + metric, value, "round", (double) round)));
    }

    @Override
    public void log(String message) {
        String step = currentStep;
        emit(() -> reporter.log(run, step, "INFO", message));
    }

    @Override
    public boolean cancelled() {
        return control.cancelled();
    }

    @Override
    public void roundBoundary() {
        control.awaitIfPaused(() -> {
            log("paused before the next boosting round; the booster and the data stay in memory");
            emit(onPaused);
        }, () -> {
            emit(onResumed);
            log("resumed");
        });
    }

    /** The step the engine is in, if any (to close it when the training fails). */
    String currentStep() {
        return currentStep;
    }

    /** Completes when every queued report has been written. */
    Mono<Void> drain() {
        queue.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        return done;
    }

    private void emit(Supplier<Mono<Void>> report) {
        queue.emitNext(report, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }
}
