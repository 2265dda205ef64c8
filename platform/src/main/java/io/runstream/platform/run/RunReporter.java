package io.runstream.platform.run;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import org.springframework.kafka.core.KafkaOperations;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a service that executes runs reports on them. Everything that changes a run's state or
 * progress goes through the outbox — call those methods inside the transaction that records the
 * change in your own tables, and they are published in order, after commit, never lost. Log lines
 * and heartbeats are high-volume and ephemeral: they go straight to Kafka.
 */
public class RunReporter {

    private final EventOutbox outbox;
    private final KafkaOperations<Object, Object> kafka;
    private final Topics topics;
    private final EventCodec codec;
    private final String source;
    private final Map<String, AtomicLong> logSequences = new ConcurrentHashMap<>();

    public RunReporter(EventOutbox outbox, KafkaOperations<Object, Object> kafka, Topics topics, EventCodec codec,
                       String source) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.topics = topics;
        this.codec = codec;
        this.source = source;
    }

    /** The source attribute of this service's events ({@code /runstream/<service>}). */
    public String source() {
        return source;
    }

    public Mono<Void> created(String tenant, RunEvents.RunCreated run) {
        return append(topics.runEvents(), EventTypes.RUN_CREATED, run.runId(), tenant, run);
    }

    public Mono<Void> started(RunRef run, String executor, int leaseSeconds) {
        return append(topics.runEvents(), EventTypes.RUN_STARTED, run.runId(), run.tenant(),
                new RunEvents.RunStarted(run.runId(), run.attempt(), executor, leaseSeconds));
    }

    public Mono<Void> progress(RunRef run, double progress, String message, Map<String, Double> metrics) {
        double bounded = Math.max(0, Math.min(1, progress));
        return append(topics.runEvents(), EventTypes.RUN_PROGRESS, run.runId(), run.tenant(),
                new RunEvents.RunProgress(run.runId(), bounded, message, metrics));
    }

    public Mono<Void> paused(RunRef run) {
        return append(topics.runEvents(), EventTypes.RUN_PAUSED, run.runId(), run.tenant(), new RunEvents.RunPaused(run.runId()));
    }

    public Mono<Void> resumed(RunRef run) {
        return append(topics.runEvents(), EventTypes.RUN_RESUMED, run.runId(), run.tenant(), new RunEvents.RunResumed(run.runId()));
    }

    public Mono<Void> stepStarted(RunRef run, String stepId, String name) {
        return append(topics.runEvents(), EventTypes.STEP_STARTED, run.runId(), run.tenant(),
                new RunEvents.StepStarted(run.runId(), stepId, name));
    }

    public Mono<Void> stepFinished(RunRef run, String stepId, String name, RunStatus status, RunEvents.RunError error) {
        return append(topics.runEvents(), EventTypes.STEP_FINISHED, run.runId(), run.tenant(),
                new RunEvents.StepFinished(run.runId(), stepId, name, status, error));
    }

    public Mono<Void> finished(RunRef run, RunStatus status, JsonNode result, RunEvents.RunError error) {
        return append(topics.runEvents(), EventTypes.RUN_FINISHED, run.runId(), run.tenant(),
                new RunEvents.RunFinished(run.runId(), status, result, error, run.jobId()))
                .doOnSuccess(done -> logSequences.remove(sequenceKey(run)));
    }

    /** Renews the run's lease at job-service; straight to Kafka. */
    public Mono<Void> heartbeat(RunRef run, String executor, int leaseSeconds) {
        return send(topics.runEvents(), EventTypes.RUN_HEARTBEAT, run.runId(), run.tenant(),
                new RunEvents.RunHeartbeat(run.runId(), run.attempt(), executor, leaseSeconds));
    }

    /** One log line ({@code run.output}, or {@code step.output} when {@code stepId} is set); straight to Kafka. */
    public Mono<Void> log(RunRef run, String stepId, String level, String message) {
        long seq = logSequences.computeIfAbsent(sequenceKey(run), key -> new AtomicLong()).incrementAndGet();
        String type = stepId == null ? EventTypes.RUN_OUTPUT : EventTypes.STEP_OUTPUT;
        return send(topics.runLogs(), type, run.runId(), run.tenant(),
                new RunEvents.LogLine(run.runId(), stepId, seq, Instant.now(), level, message, null, null));
    }

    private Mono<Void> append(String topic, String type, String runId, String tenant, Object payload) {
        return outbox.append(topic, codec.event(source, type, runId, tenant, payload));
    }

    /** The producer may block on metadata when the broker is away, so it is called off the event loop. */
    private Mono<Void> send(String topic, String type, String runId, String tenant, Object payload) {
        EventEnvelope event = codec.event(source, type, runId, tenant, payload);
        return Mono.fromFuture(() -> kafka.send(topic, runId, codec.write(event)))
                .subscribeOn(Schedulers.boundedElastic())
                .then();
    }

    private static String sequenceKey(RunRef run) {
        return run.runId() + "#" + run.attempt();
    }
}
