package io.runstream.platform.outbox;

import io.runstream.platform.event.EventEnvelope;
import reactor.core.publisher.Mono;

/**
 * Announces a state change atomically with it: call {@link #append} inside the transaction that
 * writes the change. The event reaches Kafka only after that transaction commits, and is not lost
 * if Kafka is down at the time.
 */
public interface EventOutbox {

    /** Adds the event to the outbox, keyed by its subject (the run id). */
    Mono<Void> append(String topic, EventEnvelope event);
}
