package io.runstream.inference.prediction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.r2dbc.spi.R2dbcException;
import io.runstream.inference.config.InferenceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The prediction log's asynchronous writer. A prediction is answered as soon as its entry is in a
 * bounded in-memory queue; one writer drains the queue in batches (one multi-row insert each),
 * starting a batch when {@code batch-size} entries wait or the oldest has waited {@code max-delay},
 * and right after the previous batch when more entries arrived meanwhile.
 *
 * <p>The log stays complete: when the queue is full a new prediction waits (its answer is delayed)
 * until the writer makes room; nothing is dropped. A batch that fails is retried with back-off until
 * it is written (inserts are idempotent by id). A batch PostgreSQL refuses for its data (SQLSTATE
 * class 22/23) is split and retried row by row, so one bad entry cannot hold up the others; an entry
 * refused on its own is counted and logged in full at ERROR. A graceful shutdown writes the queue
 * before the database pool closes; a crash loses at most the entries not yet written.
 *
 * <p>Metrics: {@code runstream.inference.prediction_log.queue_depth}, {@code .waiting} (predictions
 * held back by a full queue), {@code .batch_size}, {@code .write} (timer), {@code .written},
 * {@code .write_failures} (failed attempts, each retried), {@code .rejected}.
 */
@Component
class PredictionLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PredictionLog.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private record Waiter(PredictionRepository.LogEntry entry, Sinks.One<Void> admitted) {
    }

    private record Flush(long upTo, Sinks.One<Void> done) {
    }

    private final Function<List<PredictionRepository.LogEntry>, Mono<Long>> insert;
    private final InferenceProperties.PredictionLog settings;
    private final Scheduler timer = Schedulers.parallel();
    private final Object lock = new Object();
    private final ArrayDeque<PredictionRepository.LogEntry> queue = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final ArrayDeque<Flush> flushes = new ArrayDeque<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final Duration firstBackoff;
    private long accepted;
    private long processed;
    private volatile boolean running;

    private final DistributionSummary batchSizes;
    private final Timer writes;
    private final Counter written;
    private final Counter failures;
    private final Counter rejected;

    @Autowired
    PredictionLog(PredictionRepository repository, InferenceProperties properties, MeterRegistry meters) {
        this(repository::insertAll, properties.predictionLog(), meters, Duration.ofMillis(100));
    }

    PredictionLog(Function<List<PredictionRepository.LogEntry>, Mono<Long>> insert,
                  InferenceProperties.PredictionLog settings, MeterRegistry meters, Duration firstBackoff) {
        this.insert = insert;
        this.settings = settings;
        this.firstBackoff = firstBackoff;
        String prefix = "runstream.inference.prediction_log.";
        Gauge.builder(prefix + "queue_depth", this, PredictionLog::depth)
                .description("prediction-log entries waiting to be written").register(meters);
        Gauge.builder(prefix + "waiting", this, PredictionLog::waiting)
                .description("predictions held back because the log queue is full").register(meters);
        batchSizes = DistributionSummary.builder(prefix + "batch_size").description("entries per insert")
                .register(meters);
        writes = Timer.builder(prefix + "write").description("time to write one batch, retries included")
                .register(meters);
        written = Counter.builder(prefix + "written").description("entries written").register(meters);
        failures = Counter.builder(prefix + "write_failures").description("failed write attempts (retried)")
                .register(meters);
        rejected = Counter.builder(prefix + "rejected").description("entries PostgreSQL refused for their data")
                .register(meters);
    }

    /**
     * Queues an entry: completes at once when there is room, otherwise once the writer has made room
     * (back-pressure). Never drops an entry.
     */
    Mono<Void> append(PredictionRepository.LogEntry entry) {
        int size;
        Sinks.One<Void> admitted = null;
        synchronized (lock) {
            if (!waiters.isEmpty() || queue.size() >= Math.max(1, settings.capacity())) {
                admitted = Sinks.one();
                waiters.add(new Waiter(entry, admitted));
            } else {
                queue.add(entry);
                accepted++;
            }
            size = queue.size();
        }
        if (admitted != null) {
            kick();
            return admitted.asMono();
        }
        if (size >= settings.batchSize()) {
            kick();
        } else {
            arm();
        }
        return Mono.empty();
    }

    /** Completes once every entry queued before the call has been written (or refused). */
    Mono<Void> flushed() {
        Sinks.One<Void> done;
        synchronized (lock) {
            if (processed >= accepted) {
                return Mono.empty();
            }
            done = Sinks.one();
            flushes.add(new Flush(accepted, done));
        }
        kick();
        return done.asMono();
    }

    int depth() {
        synchronized (lock) {
            return queue.size();
        }
    }

    int waiting() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    private void arm() {
        if (armed.compareAndSet(false, true)) {
            timer.schedule(() -> {
                armed.set(false);
                kick();
            }, settings.maxDelay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Starts a batch unless one is being written; the end of a batch starts the next. */
    private void kick() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<PredictionRepository.LogEntry> batch = new ArrayList<>();
        List<Sinks.One<Void>> admitted = new ArrayList<>();
        synchronized (lock) {
            while (batch.size() < settings.batchSize() && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            while (!waiters.isEmpty() && queue.size() < Math.max(1, settings.capacity())) {
                Waiter waiter = waiters.poll();
                queue.add(waiter.entry());
                accepted++;
                admitted.add(waiter.admitted());
            }
        }
        admitted.forEach(sink -> sink.tryEmitEmpty());
        if (batch.isEmpty()) {
            writing.set(false);
            if (depth() > 0) {
                kick();
            }
            return;
        }
        batchSizes.record(batch.size());
        long started = System.nanoTime();
        write(batch).doFinally(signal -> {
            writes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            List<Sinks.One<Void>> done = new ArrayList<>();
            synchronized (lock) {
                processed += batch.size();
                while (!flushes.isEmpty() && flushes.peek().upTo() <= processed) {
                    done.add(flushes.poll().done());
                }
            }
            done.forEach(sink -> sink.tryEmitEmpty());
            writing.set(false);
            if (depth() > 0 || waiting() > 0) {
                kick();
            }
        }).subscribe(null, e -> log.error("prediction log writer stopped unexpectedly", e));
    }

    /**
     * Writes a batch, retrying until it is stored; a batch refused for its data is split row by row.
     * Completes empty in every case (a refused row is counted and logged).
     */
    private Mono<Void> write(List<PredictionRepository.LogEntry> batch) {
        return Mono.defer(() -> insert.apply(batch))
                .doOnError(e -> {
                    failures.increment();
                    log.warn("writing {} prediction-log entries failed{}: {}", batch.size(),
                            refusedData(e) ? "" : ", retrying", reason(e));
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, firstBackoff).maxBackoff(MAX_BACKOFF)
                        .filter(e -> !refusedData(e)))
                .doOnNext(n -> written.increment(batch.size()))
                .then()
                .onErrorResume(e -> {
                    if (batch.size() > 1) {
                        return Flux.fromIterable(batch).concatMap(entry -> write(List.of(entry))).then();
                    }
                    rejected.increment();
                    log.error("prediction-log entry refused by PostgreSQL and not stored ({}): {}", reason(e), batch.get(0));
                    return Mono.empty();
                });
    }

    /** PostgreSQL refused the data itself (data exception or integrity violation): retrying the same batch cannot help. */
    private static boolean refusedData(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null
                    && (r2dbc.getSqlState().startsWith("22") || r2dbc.getSqlState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** The database's own message when there is one (not the whole statement). */
    private static String reason(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof R2dbcException r2dbc) {
                return r2dbc.getMessage() + " (SQLSTATE " + r2dbc.getSqlState() + ")";
            }
        }
        return error.toString();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void start() {
        running = true;
    }

    /** Writes what is queued; runs after the web server stopped taking requests and before the pool closes. */
    @Override
    public void stop() {
        running = false;
        try {
            flushed().block(settings.shutdownTimeout());
            log.info("prediction log flushed on shutdown");
        } catch (RuntimeException e) {
            log.error("prediction log not flushed within {}: {} entries lost", settings.shutdownTimeout(),
                    depth() + waiting());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Below the web server's phases, so it stops after the server no longer accepts predictions. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
