package io.runstream.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes committed outbox rows to Kafka, in id order, then marks them published.
 *
 * <p>One relay at a time per database holds a transaction-scoped advisory lock, so replicas never
 * publish the same rows or reorder a run's events. A row is marked published only after Kafka
 * acknowledged it; if Kafka is down the batch rolls back and is tried again, so an event may be
 * published twice but never lost. Consumers deduplicate by event id.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final long ADVISORY_LOCK_KEY = 0x52756e73L; // "Runs"
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final KafkaOperations<Object, Object> kafka;
    private final OutboxProperties properties;
    private final JsonMapper json;
    private final Sinks.Many<Boolean> nudges = Sinks.many().multicast().directBestEffort();
    private final Counter published;
    private final Counter failures;
    private final Tracer tracer;
    private final Propagator propagator;
    private volatile Disposable loop;
    private volatile Instant lastCleanup = Instant.EPOCH;

    public OutboxRelay(DatabaseClient db, TransactionalOperator tx, KafkaOperations<Object, Object> kafka,
                       OutboxProperties properties, JsonMapper json, MeterRegistry meters, Tracer tracer,
                       Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.db = db;
        this.tx = tx;
        this.kafka = kafka;
        this.properties = properties;
        this.json = json;
        this.published = Counter.builder("runstream.outbox.published").description("events relayed to Kafka").register(meters);
        this.failures = Counter.builder("runstream.outbox.failures").description("relay batches rolled back").register(meters);
    }

    /** Asks the relay to look for new rows now rather than at its next poll. */
    public void nudge() {
        nudges.tryEmitNext(Boolean.TRUE);
    }

    /** Publishes every row committed so far; the loop calls it, tests may too. */
    public Mono<Integer> relayPending() {
        return relayBatch().expand(count -> count >= properties.batchSize() ? relayBatch() : Mono.empty())
                .reduce(0, Integer::sum);
    }

    private Mono<Integer> relayBatch() {
        Mono<Integer> batch = db.sql("select pg_try_advisory_xact_lock(:key) as locked")
                .bind("key", ADVISORY_LOCK_KEY)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? publishUnpublished() : Mono.just(0));
        return tx.transactional(batch);
    }

    private Mono<Integer> publishUnpublished() {
        return db.sql("""
                        select id, topic, message_key, payload, headers::text as headers
                        from event_outbox where published_at is null
                        order by id limit :limit for update skip locked""")
                .bind("limit", properties.batchSize())
                .map(row -> new OutboxRow(row.get("id", Long.class), row.get("topic", String.class),
                        row.get("message_key", String.class), row.get("payload", String.class),
                        row.get("headers", String.class)))
                .all()
                .collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.just(0) : send(rows).then(markPublished(rows)));
    }

    /**
     * Sends the batch in order and waits for every acknowledgement. The producer may block while it
     * fetches metadata (and does when the broker is down), so sends happen off the event loop.
     */
    private Mono<Void> send(List<OutboxRow> rows) {
        return Mono.fromCallable(() -> rows.stream().map(this::sendInOriginalTrace).toList())
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(futures -> Mono.fromFuture(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))))
                .timeout(properties.sendTimeout())
                .then();
    }

    /**
     * Sends the row within a span continued from the trace of the work that wrote it, so that the
     * producer's traceparent (and the consumers' spans) belong to the original request's trace.
     */
    private CompletableFuture<?> sendInOriginalTrace(OutboxRow row) {
        Map<String, String> headers = row.headers() == null ? Map.of() : json.readValue(row.headers(), HEADERS);
        var record = new ProducerRecord<Object, Object>(row.topic(), row.key(), row.payload());
        headers.forEach((name, value) -> record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        if (tracer == null || propagator == null || !headers.containsKey("traceparent")) {
            return kafka.send(record);
        }
        Span span = propagator.extract(headers, Map::get).name("outbox relay").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return kafka.send(record);
        } finally {
            span.end();
        }
    }

    private Mono<Integer> markPublished(List<OutboxRow> rows) {
        Long[] ids = rows.stream().map(OutboxRow::id).toArray(Long[]::new);
        return db.sql("update event_outbox set published_at = now() where id = any(:ids)")
                .bind("ids", ids)
                .fetch().rowsUpdated()
                .map(Long::intValue)
                .doOnNext(published::increment);
    }

    private Mono<Long> deleteExpired() {
        if (Duration.between(lastCleanup, Instant.now()).compareTo(Duration.ofMinutes(1)) < 0) {
            return Mono.just(0L);
        }
        lastCleanup = Instant.now();
        return db.sql("delete from event_outbox where published_at < :cutoff")
                .bind("cutoff", Instant.now().minus(properties.retention()))
                .fetch().rowsUpdated();
    }

    @Override
    public void start() {
        if (!properties.enabled() || loop != null) {
            return;
        }
        loop = Flux.merge(Flux.interval(properties.pollInterval()).map(tick -> Boolean.TRUE), nudges.asFlux())
                .onBackpressureDrop()
                .concatMap(tick -> relayPending()
                        .flatMap(count -> deleteExpired().thenReturn(count))
                        .onErrorResume(error -> {
                            failures.increment();
                            log.warn("outbox relay batch failed, will retry: {}", error.toString());
                            return Mono.just(0);
                        }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        loop = null;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    /** Stop after the web server (which stops first) so that in-flight requests' events still go out. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    private record OutboxRow(Long id, String topic, String key, String payload, String headers) {
    }
}
