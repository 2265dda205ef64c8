package io.runstream.job.executor;

import io.runstream.platform.event.RunEvents;
import io.runstream.platform.outbox.ProcessedEvents;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

/** The built-in {@code system/echo}: starts, logs its message, optionally waits, completes with the message. */
@Component
class EchoJob {

    static final String JOB_ID = "system/echo";
    private static final int LEASE_SECONDS = 30;

    private final RunReporter reporter;
    private final ProcessedEvents processed;
    private final TransactionalOperator tx;

    EchoJob(RunReporter reporter, ProcessedEvents processed, TransactionalOperator tx) {
        this.reporter = reporter;
        this.processed = processed;
        this.tx = tx;
    }

    Mono<Void> run(String eventId, RunRef run, String executor, JsonNode args, JsonMapper json) {
        String message = args == null ? "" : args.path("message").asString("");
        long delay = args == null ? 0 : Math.max(0, args.path("delay_ms").asLong(0));
        boolean fail = args != null && args.path("fail").asBoolean(false);
        Mono<Boolean> start = tx.transactional(processed.firstTime("job-echo", eventId)
                .publishOn(Schedulers.boundedElastic()) // the reporter draws event ids from SecureRandom
                .flatMap(first -> first ? reporter.started(run, executor, LEASE_SECONDS).thenReturn(true) : Mono.just(false)));
        Mono<Void> heartbeats = Flux.interval(Duration.ofSeconds(5))
                .publishOn(Schedulers.boundedElastic())
                .concatMap(tick -> reporter.heartbeat(run, executor, LEASE_SECONDS).onErrorResume(e -> Mono.empty()))
                .then();
        return start.filter(Boolean::booleanValue)
                .flatMap(first -> Mono.defer(() -> reporter.log(run, null, "info", message))
                        .then(Mono.delay(Duration.ofMillis(delay)).then().or(heartbeats.then(Mono.never())))
                        .publishOn(Schedulers.boundedElastic())
                        .then(Mono.defer(() -> tx.transactional(fail
                                ? reporter.finished(run, RunStatus.FAILED, null, new RunEvents.RunError("echo_failed", message))
                                : reporter.finished(run, RunStatus.COMPLETED, json.createObjectNode().put("message", message), null)))));
    }
}
