package io.runstream.job.run;

import io.runstream.platform.event.EventEnvelope;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Duration;

/**
 * The projection's one consumer group: each partition (a run's events) applied in order, one at a time, and
 * {@code runstream.job.projection.concurrency} partitions at once per replica (default 3): one consumer waiting on
 * each event's transaction (~2.5 ms) held a replica to ~190 runs/s of state transitions.
 */
@Component
class ProjectionListener {

    private final RunProjection projection;
    private final TransactionalOperator tx;

    ProjectionListener(RunProjection projection, TransactionalOperator tx) {
        this.projection = projection;
        this.tx = tx;
    }

    /**
     * Blocks the listener thread (a Kafka consumer thread, never an event loop) until the event is
     * committed, so that a run's next event is applied after this one and offsets commit after the data.
     */
    @KafkaListener(id = "run-projection", groupId = "${spring.kafka.consumer.group-id}-projection",
            topics = "#{@topics.runEvents()}", concurrency = "${runstream.job.projection.concurrency:3}")
    void on(EventEnvelope event) {
        if (projection.isOwnDecision(event)) {
            return;
        }
        tx.transactional(projection.apply(event)).block(Duration.ofSeconds(30));
    }
}
