package io.runstream.inference.prediction;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runstream.inference.config.InferenceProperties;
import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The asynchronous prediction-log writer against the real table: retries, back-pressure, shutdown flush, bad rows. */
@SpringBootTest
@RealInfrastructure
class PredictionLogTest {

    @Autowired
    PredictionRepository repository;

    @Autowired
    DatabaseClient db;

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final String tenant = "log-" + UUID.randomUUID();
    final PredictionIds ids = new PredictionIds(n -> repository.reserveIds(n), 7);

    PredictionLog writer(Function<List<PredictionRepository.LogEntry>, Mono<Long>> insert, int capacity, int batchSize,
                         Duration maxDelay) {
        return new PredictionLog(insert, new InferenceProperties.PredictionLog(capacity, batchSize, maxDelay, 7,
                Duration.ofSeconds(20)), meters, Duration.ofMillis(10));
    }

    PredictionRepository.LogEntry entry(int i, String input) {
        return new PredictionRepository.LogEntry(ids.next().block(), Instant.now(), new PredictionRepository.NewPrediction(
                tenant, 5, 1, 7L, "churn", "Classification", "Test", "realtime", "completed", input,
                "{\"prediction\":\"true\"}", 0.5 + i, "w", "c-" + i, null, null, "alice"));
    }

    long stored() {
        return db.sql("select count(*) as n from prediction where tenant_id = :t").bind("t", tenant)
                .map(r -> r.get("n", Long.class)).one().block();
    }

    double counter(String name) {
        return meters.counter("runstream.inference.prediction_log." + name).count();
    }

    @Test
    void aFailedBatch_isRetriedUntilWritten_andCounted() {
        AtomicInteger calls = new AtomicInteger();
        PredictionLog log = writer(batch -> calls.incrementAndGet() <= 2
                ? Mono.error(new IllegalStateException("connection reset")) : repository.insertAll(batch), 100, 50,
                Duration.ofMillis(5));
        for (int i = 0; i < 20; i++) {
            assertThat(log.append(entry(i, "{\"Tenure\":" + i + "}")).toFuture()).isDone();
        }
        log.flushed().block(Duration.ofSeconds(20));
        assertThat(stored()).isEqualTo(20);
        assertThat(counter("write_failures")).isEqualTo(2);
        assertThat(counter("written")).isEqualTo(20);
        assertThat(log.depth()).isZero();
    }

    @Test
    void aFullQueue_holdsNewPredictionsBack_untilTheWriterMakesRoom_andDropsNothing() {
        Sinks.One<Void> gate = Sinks.one();
        PredictionLog log = writer(batch -> gate.asMono().then(repository.insertAll(batch)), 2, 1, Duration.ofMillis(5));
        List<java.util.concurrent.CompletableFuture<Void>> appended = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            appended.add(log.append(entry(i, "{}")).toFuture());
        }
        // one entry is being written (held at the gate), two fill the queue, three wait
        await().atMost(Duration.ofSeconds(5)).until(() -> log.waiting() == 3);
        assertThat(appended.subList(0, 3)).allMatch(java.util.concurrent.CompletableFuture::isDone);
        assertThat(appended.subList(3, 6)).noneMatch(java.util.concurrent.CompletableFuture::isDone);
        assertThat(meters.get("runstream.inference.prediction_log.queue_depth").gauge().value()).isEqualTo(2);
        assertThat(stored()).isZero();

        gate.tryEmitEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> appended.stream().allMatch(java.util.concurrent.CompletableFuture::isDone));
        log.flushed().block(Duration.ofSeconds(20));
        assertThat(stored()).isEqualTo(6);
        assertThat(log.waiting()).isZero();
    }

    @Test
    void shutdown_writesWhatIsQueued() throws Exception {
        PredictionLog log = writer(repository::insertAll, 1000, 1000, Duration.ofHours(1));
        log.start();
        for (int i = 0; i < 40; i++) {
            log.append(entry(i, "{}")).block();
        }
        Thread.sleep(200);
        assertThat(stored()).isZero();
        assertThat(log.depth()).isEqualTo(40);
        log.stop();
        assertThat(log.isRunning()).isFalse();
        assertThat(stored()).isEqualTo(40);
        assertThat(meters.get("runstream.inference.prediction_log.batch_size").summary().max()).isEqualTo(40);
    }

    @Test
    void aRowPostgresRefuses_doesNotHoldUpTheOthers_andIsCounted() {
        PredictionLog log = writer(repository::insertAll, 100, 100, Duration.ofMillis(20));
        for (int i = 0; i < 10; i++) {
            log.append(entry(i, i == 4 ? "{\"Plan\":\"a\\u0000b\"}" : "{\"Plan\":\"basic\"}")).block();
        }
        log.flushed().block(Duration.ofSeconds(20));
        assertThat(stored()).isEqualTo(9);
        assertThat(counter("rejected")).isEqualTo(1);
        assertThat(counter("written")).isEqualTo(9);
    }

    @Test
    void aBatchWrittenTwice_isStoredOnce() {
        List<PredictionRepository.LogEntry> batch = List.of(entry(1, "{}"), entry(2, "{}"));
        assertThat(repository.insertAll(batch).block()).isEqualTo(2);
        assertThat(repository.insertAll(batch).block()).isZero();
        assertThat(stored()).isEqualTo(2);
    }
}
