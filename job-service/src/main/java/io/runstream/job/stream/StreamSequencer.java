package io.runstream.job.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runstream.job.support.Events;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.outbox.EventOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Gives committed stream events their public positions.
 *
 * <p>Writers insert events without a position, so unrelated runs never queue behind one another. After
 * a writer commits it nudges the sequencer, which, in one transaction holding the {@code stream_counter}
 * row lock (one sequencer at a time across replicas), numbers every committed, unnumbered event in
 * insertion order and commits the numbers together. A position therefore becomes visible only together
 * with every smaller one: a reader asking for "pos > last" can never skip an event that committed late,
 * and positions stay dense. Events of one run are causally ordered (the next is written after the
 * previous committed), so they get increasing positions too.
 *
 * <p>Nudges coalesce: while a batch is in flight, any number of nudges cause exactly one more pass.
 */
@Component
class StreamSequencer {

    private static final Logger log = LoggerFactory.getLogger(StreamSequencer.class);
    static final int BATCH = 5000;
    /** Announced on the job-stream topic with the new head after each pass that numbered events. */
    static final String STREAM_ADVANCED = "stream.advanced";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final EventOutbox outbox;
    private final EventCodec codec;
    private final StreamTopic topic;
    private final String source;
    private final AtomicInteger pending = new AtomicInteger();
    private final List<LongConsumer> headListeners = new CopyOnWriteArrayList<>();
    private final Counter numbered;
    private final Counter failures;

    StreamSequencer(DatabaseClient db, TransactionalOperator tx, EventOutbox outbox, EventCodec codec,
                    StreamTopic topic, MeterRegistry meters, @Value("${spring.application.name}") String service) {
        this.db = db;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
        this.topic = topic;
        this.source = "/runstream/" + service;
        this.numbered = Counter.builder("runstream.stream.sequenced").description("stream events given a position")
                .register(meters);
        this.failures = Counter.builder("runstream.stream.sequencer.failures")
                .description("sequencing passes rolled back (retried on the next nudge)").register(meters);
    }

    /** Called with the new head after each pass that numbered events (on the thread that completed it). */
    void onHead(LongConsumer listener) {
        headListeners.add(listener);
    }

    /** Asks for a pass now; cheap and safe to call from any thread, as often as wanted. */
    void nudge() {
        if (pending.getAndIncrement() == 0) {
            pass();
        }
    }

    private void pass() {
        int claimed = pending.get();
        sequenceAll()
                .doOnError(error -> {
                    failures.increment();
                    log.warn("stream sequencing failed, will retry on the next nudge: {}", error.toString());
                })
                .onErrorComplete()
                .doFinally(signal -> {
                    if (pending.addAndGet(-claimed) != 0) {
                        pass();
                    }
                })
                .subscribe();
    }

    /** Numbers everything committed so far, a batch per transaction. */
    Mono<Void> sequenceAll() {
        return batch().expand(result -> result.count() == BATCH ? batch() : Mono.empty())
                .filter(result -> result.count() > 0)
                .doOnNext(result -> {
                    numbered.increment(result.count());
                    headListeners.forEach(listener -> listener.accept(result.head()));
                })
                .then();
    }

    private Mono<Batch> batch() {
        Mono<Batch> work = db.sql("select pos from stream_counter where id = 1 for update")
                .map(row -> row.get("pos", Long.class)).one()
                .flatMap(base -> db.sql("""
                                with batch as (
                                    select seq from run_event where pos is null order by seq limit :limit for update),
                                numbered as (
                                    select seq, row_number() over (order by seq) as n from batch)
                                update run_event e set pos = :base + numbered.n from numbered where e.seq = numbered.seq""")
                        .bind("base", base).bind("limit", BATCH)
                        .fetch().rowsUpdated()
                        .flatMap(count -> count == 0 ? Mono.just(new Batch(base, 0))
                                : advanceCounter(base + count).thenReturn(new Batch(base + count, count.intValue()))));
        return tx.transactional(work);
    }

    /** Moves the counter and, in the same transaction, tells every replica's fan-out where the head is now. */
    private Mono<Void> advanceCounter(long head) {
        return db.sql("update stream_counter set pos = :head where id = 1").bind("head", head).then()
                .then(outbox.append(topic.name(),
                        Events.create(codec, source, STREAM_ADVANCED, null, null, Map.of("head", head))));
    }

    private record Batch(long head, int count) {
    }
}
