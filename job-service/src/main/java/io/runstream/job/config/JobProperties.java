package io.runstream.job.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * job-service settings ({@code runstream.job.*}); documented in docs/job-service.md.
 *
 * @param syncWait       the longest a {@code POST /runs} with {@code async=false} waits for the run to end
 * @param idempotencyTtl how long an {@code Idempotency-Key} answers the first run
 * @param maxListLimit   the largest {@code limit} of list endpoints
 */
@ConfigurationProperties("runstream.job")
public record JobProperties(
        @DefaultValue("60s") Duration syncWait,
        @DefaultValue("24h") Duration idempotencyTtl,
        @DefaultValue("1000") int maxListLimit,
        @DefaultValue Stream stream,
        @DefaultValue Lease lease,
        @DefaultValue Executor executor,
        @DefaultValue Cost cost) {

    /**
     * Live streams.
     *
     * @param heartbeat          interval of comment heartbeats on idle streams
     * @param subscriberBufferSize bytes of live events a stream may hold unwritten (queued, or in its connection's
     *                           outbound buffer) before it gets a {@code gap} and is closed
     * @param bufferBudget       bytes all streams of the replica may hold unwritten together; over it, the streams
     *                           holding more than their share are closed with a {@code gap}. 0 derives it from the
     *                           heap (see {@link #bufferBudgetBytes()})
     * @param maxStreamsPerUser  open SSE streams per user
     * @param maxStreams         open SSE streams on this replica, all users together; 0 derives it from the heap
     *                           (see {@link #streamCapacity()}): an open stream holds ~18 KB of heap, and a replica
     *                           that takes more streams than its heap holds collects in full for seconds and then
     *                           fails every stream at once instead of refusing the next one
     * @param replayPage         rows read per page while replaying missed events
     * @param catchUpInterval    how often each replica checks the database for committed events it has not seen on Kafka
     * @param retention          how long stream events (and run logs) are kept; older cursors answer 410
     * @param endGrace           how long a run's stream stays open after run.finished for late log lines
     * @param fanOutLinger       how long the fan-out waits after hearing of new events before it reads and hands
     *                           them out, so that events committed close together (a run's start, output and end)
     *                           reach each stream as one batch: one write per stream instead of one per event
     * @param fanOutLingerPerSubscriber the wait grows by this much per open stream of the replica (up to
     *                           {@link #MAX_LINGER}): a hand-out costs a write per stream (~8 µs of CPU each, half of
     *                           it in the kernel), so 10 µs per stream keeps the fan-out within about one core at any
     *                           number of streams; 0 keeps the wait fixed
     */
    public record Stream(@DefaultValue("15s") Duration heartbeat,
                         @DefaultValue("512KB") DataSize subscriberBufferSize,
                         @DefaultValue("0") DataSize bufferBudget,
                         @DefaultValue("20") int maxStreamsPerUser,
                         @DefaultValue("0") int maxStreams,
                         @DefaultValue("500") int replayPage,
                         @DefaultValue("1s") Duration catchUpInterval,
                         @DefaultValue("30d") Duration retention,
                         @DefaultValue("1s") Duration endGrace,
                         @DefaultValue("25ms") Duration fanOutLinger,
                         @DefaultValue("10us") Duration fanOutLingerPerSubscriber) {

        /** Heap an open stream is planned with: ~18 KB measured at 10 000 streams (docs/benchmarks.md), and some room. */
        static final long HEAP_PER_STREAM = 32 * 1024;
        /** The longest the fan-out waits, however many streams are open: the wait is added to every event's latency. */
        public static final Duration MAX_LINGER = Duration.ofMillis(150);

        /** The fan-out's wait with this many streams open: the fixed linger, or longer with many streams. */
        public Duration fanOutLinger(int subscribers) {
            Duration scaled = fanOutLingerPerSubscriber.multipliedBy(subscribers);
            if (scaled.compareTo(fanOutLinger) <= 0) {
                return fanOutLinger;
            }
            return scaled.compareTo(MAX_LINGER) < 0 ? scaled : MAX_LINGER;
        }

        /**
         * {@code buffer-budget}, or when 0 a quarter of the maximum heap (64 MB at 256 MB): the unwritten bytes are
         * heap (queued batches) and direct memory (the outbound buffers), whose default maximum is the heap's.
         */
        public long bufferBudgetBytes() {
            if (bufferBudget.toBytes() > 0) {
                return bufferBudget.toBytes();
            }
            return Math.max(subscriberBufferSize.toBytes(), Runtime.getRuntime().maxMemory() / 4);
        }

        /** {@code max-streams}, or when 0 as many streams as half of the maximum heap holds (~4 000 at 256 MB). */
        public int streamCapacity() {
            if (maxStreams > 0) {
                return maxStreams;
            }
            return (int) Math.max(1, Runtime.getRuntime().maxMemory() / 2 / HEAP_PER_STREAM);
        }
    }

    /**
     * Run leases.
     *
     * @param checkInterval  how often expired leases are looked for
     * @param defaultSeconds lease of runs whose executor names none
     */
    public record Lease(@DefaultValue("5s") Duration checkInterval, @DefaultValue("60") int defaultSeconds) {
    }

    /**
     * The local command executor.
     *
     * @param maxConcurrent     processes running at once; further runs wait in pending
     * @param heartbeatInterval run.heartbeat interval while a process runs
     * @param leaseSeconds      lease announced with run.started and heartbeats
     * @param sampleInterval    cpu/memory sampling interval
     * @param workDir           where each attempt gets its working folder (default: a temp folder)
     * @param shell             shell used for a command given as one string
     */
    public record Executor(@DefaultValue("4") int maxConcurrent,
                           @DefaultValue("5s") Duration heartbeatInterval,
                           @DefaultValue("30") int leaseSeconds,
                           @DefaultValue("2s") Duration sampleInterval,
                           String workDir,
                           @DefaultValue("/bin/sh") String shell) {
    }

    /** Cost of a run from its requested resources and runtime (Trainwave's cost_per_hour and total_cost). */
    public record Cost(@DefaultValue("USD") String currency,
                       @DefaultValue("0.04") double cpuHour,
                       @DefaultValue("0.005") double memoryGbHour,
                       @DefaultValue("1.5") double gpuHour) {
    }
}
