package io.runstream.platform.outbox;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The deduplication log of idempotent consumers. Call {@link #firstTime} inside the transaction
 * that applies the event: it answers {@code false} when this consumer already applied the event id.
 */
public class ProcessedEvents {

    private final DatabaseClient db;

    public ProcessedEvents(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Boolean> firstTime(String consumer, String eventId) {
        return db.sql("insert into processed_event (consumer, event_id) values (:consumer, :eventId) on conflict do nothing")
                .bind("consumer", consumer)
                .bind("eventId", eventId)
                .fetch().rowsUpdated()
                .map(count -> count == 1);
    }
}
