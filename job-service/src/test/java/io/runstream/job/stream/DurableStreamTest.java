package io.runstream.job.stream;

import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Positions are given after commit: a reader that keeps asking for "pos > last" — as the fan-out and every
 * resuming client do — must see every committed event exactly once, also one whose transaction commits
 * long after others that started later, and the positions must stay dense when transactions roll back.
 * A subscriber that does not keep up is cut off with an overflow instead of buffering without bound (bytes of
 * unwritten frames; the replica-wide budget is {@link StreamBuffersTest}'s).
 */
@RealInfrastructure
@DirtiesContext
// a test event's frame is ~40 bytes ("id:1234\nevent:run.progress\ndata:{"n":0}\n\n"): 200 bytes hold four, not six
@SpringBootTest(properties = "runstream.job.stream.subscriber-buffer-size=200B")
class DurableStreamTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TENANT = "sequencer-test";

    @Autowired
    StreamLog streamLog;
    @Autowired
    TransactionalOperator tx;
    @Autowired
    StreamDispatcher dispatcher;

    private Mono<Void> append(String runId, int n) {
        return streamLog.append("evt-" + runId + "-" + n, TENANT, runId, "test/job", "run.progress", Instant.now(), 1,
                null, JSON.valueToTree(Map.of("n", n)));
    }

    @Test
    void aReaderOfPosGreaterThanLast_seesEveryCommittedEventOnce_evenOneThatCommitsLate_andPositionsStayDense() {
        long start = streamLog.head().block();

        // one transaction appends first and commits last, while the others commit around it
        AtomicReference<Throwable> lateFailure = new AtomicReference<>();
        var late = tx.transactional(append("late", 0).then(Mono.delay(Duration.ofMillis(1500))).then())
                .subscribe(null, lateFailure::set);

        // 20 runs in parallel, each run's 10 events one after another (each in its own transaction), and every
        // fifth run also opens a transaction that appends and then rolls back
        Mono<Void> rolledBack = Mono.error(new IllegalStateException("rolled back"));
        Flux<Void> writers = Flux.range(0, 20).flatMap(run -> Flux.range(0, 10)
                .concatMap(n -> tx.transactional(append("run-" + run, n)))
                .then(run % 5 == 0 ? tx.transactional(append("run-" + run, 99).then(rolledBack)).onErrorComplete()
                        : Mono.<Void>empty()), 8);

        List<StreamEvent> seen = new ArrayList<>();
        var readerDone = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            long last = start;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.stream().filter(e -> TENANT.equals(e.tenant())).count() < 201 && System.nanoTime() < deadline) {
                long head = streamLog.head().block();
                for (StreamEvent event : streamLog.range(last, head, 1000).collectList().block()) {
                    seen.add(event);
                    last = event.pos();
                }
                last = Math.max(last, head);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
            readerDone.set(true);
        });
        reader.start();
        writers.blockLast(Duration.ofSeconds(60));
        try {
            reader.join(40_000);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(readerDone).isTrue();
        assertThat(late.isDisposed()).isTrue();
        assertThat(lateFailure.get()).isNull();

        List<StreamEvent> mine = seen.stream().filter(e -> TENANT.equals(e.tenant())).toList();
        Set<String> ids = new HashSet<>();
        mine.forEach(e -> assertThat(ids.add(e.eventId())).as("delivered once: " + e.eventId()).isTrue());
        assertThat(ids).hasSize(201).contains("evt-late-0").noneMatch(id -> id.endsWith("-99"));

        // dense and increasing: nothing skipped, nothing reordered, rolled-back transactions left no hole
        List<Long> positions = seen.stream().map(StreamEvent::pos).toList();
        for (int i = 1; i < positions.size(); i++) {
            assertThat(positions.get(i)).as("position after " + positions.get(i - 1)).isEqualTo(positions.get(i - 1) + 1);
        }
        // each run's events, written one after another, keep their order
        Map<String, List<Integer>> byRun = mine.stream().collect(Collectors.groupingBy(StreamEvent::runId,
                Collectors.mapping(e -> e.data().path("n").asInt(), Collectors.toList())));
        byRun.forEach((run, ns) -> assertThat(ns).as(run).isSorted());
        assertThat(byRun.get("run-3")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aSubscriberThatDoesNotKeepUp_getsItsBufferThenAnOverflow_andIsDropped() {
        String tenant = "slow-" + System.nanoTime();
        int before = dispatcher.subscriberCount();
        StreamDispatcher.Registration slow = dispatcher.register(tenant, event -> true);
        assertThat(dispatcher.subscriberCount()).isEqualTo(before + 1);
        // the subscriber takes nothing while 8 events (over 300 bytes) arrive; its buffer holds 200 bytes
        appendAll(tenant, 0, 8);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> dispatcher.subscriberCount() == before);

        List<Integer> received = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger receivedBytes = new java.util.concurrent.atomic.AtomicInteger();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        slow.live().doOnNext(batch -> batch.forEach(e -> {
                    received.add(e.data().path("n").asInt());
                    receivedBytes.addAndGet(e.frame().length);
                }))
                .doOnError(ended::set).onErrorComplete()
                .blockLast(Duration.ofSeconds(10));
        // events arrive in batches (one per fan-out pass, and a pass takes every event committed within its
        // linger, so possibly all eight at once): what was queued before the overflowing batch, in order
        assertThat(receivedBytes.get()).isLessThanOrEqualTo(200);
        assertThat(received).hasSizeLessThan(8)
                .isEqualTo(java.util.stream.IntStream.range(0, received.size()).boxed().toList());
        assertThat(ended.get()).isInstanceOf(StreamDispatcher.SubscriberOverflow.class);
    }

    @Test
    void liveEventsCountAgainstTheBuffer_untilWritten_notWhenTheWriterTakesThem() {
        String tenant = "unwritten-" + System.nanoTime();
        StreamDispatcher.Registration stream = dispatcher.register(tenant, event -> true);
        List<List<StreamEvent>> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        // a writer that takes every batch at once (as Reactor Netty's does, ahead of the socket) and writes nothing yet
        var writer = stream.live().subscribe(taken::add, ended::set);
        try {
            appendAll(tenant, 0, 4);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> eventsIn(taken) == 4);

            // written: their bytes in the buffer of 200 are free again
            taken.forEach(batch -> stream.written().accept(StreamDispatcher.bytesOf(batch)));
            appendAll(tenant, 4, 8);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> eventsIn(taken) == 8);
            assertThat(ended.get()).isNull();

            // four taken and unwritten (~160 bytes), two more: over the buffer, however eagerly the writer takes them
            appendAll(tenant, 8, 10);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ended.get() != null);
            assertThat(ended.get()).isInstanceOf(StreamDispatcher.SubscriberOverflow.class);
        } finally {
            writer.dispose();
        }
    }

    private static int eventsIn(List<List<StreamEvent>> batches) {
        return batches.stream().mapToInt(List::size).sum();
    }

    /** Events {@code n = from .. to - 1} of one run of the tenant, each in its own transaction, one after another. */
    private void appendAll(String tenant, int from, int to) {
        Flux.range(from, to - from).concatMap(n -> tx.transactional(streamLog.append(tenant + "-" + n, tenant, "run-" + tenant,
                "test/job", "run.progress", Instant.now(), 1, null, JSON.valueToTree(Map.of("n", n))))).blockLast();
    }
}
