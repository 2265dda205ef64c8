package io.runstream.platform.outbox;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.r2dbc.postgresql.codec.Json;
import io.runstream.platform.transaction.AfterCommit;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

class R2dbcEventOutbox implements EventOutbox {

    private final DatabaseClient db;
    private final EventCodec codec;
    private final OutboxRelay relay;
    private final TraceHeaders traceHeaders;

    R2dbcEventOutbox(DatabaseClient db, EventCodec codec, OutboxRelay relay, TraceHeaders traceHeaders) {
        this.db = db;
        this.codec = codec;
        this.relay = relay;
        this.traceHeaders = traceHeaders;
    }

    @Override
    public Mono<Void> append(String topic, EventEnvelope event) {
        return traceHeaders.current()
                .flatMap(headers -> db.sql("""
                                insert into event_outbox (event_id, topic, message_key, payload, headers)
                                values (:eventId, :topic, :key, :payload, :headers)""")
                        .bind("eventId", event.id())
                        .bind("topic", topic)
                        .bind("key", event.subject() == null ? event.id() : event.subject())
                        .bind("payload", codec.write(event))
                        .bind("headers", Json.of(codec.mapper().writeValueAsString(headers)))
                        .then())
                .then(nudgeRelayAfterCommit());
    }

    /** Publishing right after commit keeps latency low; the relay's poll is only the safety net. */
    private Mono<Void> nudgeRelayAfterCommit() {
        return AfterCommit.run(relay::nudge);
    }
}
