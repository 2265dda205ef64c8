package io.runstream.job.stream;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.outbox.ProcessedEvents;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/** Stores executors' log lines (once each) in the durable stream, where the logs API and SSE read them. */
@Component
class LogListener {

    static final String CONSUMER = "job-logs";
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    private final ProcessedEvents processed;
    private final StreamAppender stream;
    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final EventCodec codec;

    LogListener(ProcessedEvents processed, StreamAppender stream, DatabaseClient db, TransactionalOperator tx,
                EventCodec codec) {
        this.processed = processed;
        this.stream = stream;
        this.db = db;
        this.tx = tx;
        this.codec = codec;
    }

    /** Blocks the consumer thread (never an event loop) so that a run's lines are stored in their order. */
    @KafkaListener(id = "run-logs", groupId = "${spring.kafka.consumer.group-id}-logs", topics = "#{@topics.runLogs()}")
    void on(EventEnvelope event) {
        if (!EventTypes.LOG_EVENTS.contains(event.type()) || event.subject() == null || event.tenant() == null) {
            return;
        }
        tx.transactional(store(event)).block(Duration.ofSeconds(30));
    }

    Mono<Void> store(EventEnvelope event) {
        RunEvents.LogLine line = codec.data(event, RunEvents.LogLine.class);
        return processed.firstTime(CONSUMER, event.id()).filter(Boolean::booleanValue)
                .flatMap(first -> db.sql("select job_id, attempt from run where id = :id and tenant_id = :tenant")
                        .bind("id", event.subject()).bind("tenant", event.tenant())
                        .map(row -> new Object[]{row.get("job_id", String.class), row.get("attempt", Integer.class)})
                        .one()
                        .defaultIfEmpty(new Object[]{null, null}))
                .flatMap(run -> {
                    String level = normalise(line.level());
                    Instant time = line.time() == null ? (event.time() == null ? Instant.now() : event.time()) : line.time();
                    ObjectNode data = codec.mapper().createObjectNode();
                    data.put("run_id", event.subject());
                    if (run[0] != null) {
                        data.put("job_id", (String) run[0]);
                    }
                    data.put("timestamp", time.toString());
                    data.put("level", level);
                    data.put("message", line.message() == null ? "" : line.message());
                    if (line.stepId() != null) {
                        data.put("step_id", line.stepId());
                    }
                    data.put("seq", line.seq());
                    if (run[1] != null) {
                        data.put("attempt", (Integer) run[1]);
                    }
                    return stream.append(event.id(), event.tenant(), event.subject(), (String) run[0], event.type(), time,
                            (Integer) run[1], level, data).then();
                });
    }

    private static String normalise(String level) {
        String value = level == null ? "info" : level.toLowerCase(Locale.ROOT);
        if (value.equals("warning")) {
            value = "warn";
        }
        return LEVELS.contains(value) ? value : "info";
    }
}
