import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SSE fan-out benchmark: N subscribers on GET /api/v1/events/runs?job_id=system/echo while system/echo runs are
 * created at R per second (each run streams run.created, run.started, run.output, run.finished).
 *
 * <pre>
 *   ulimit -n 65536
 *   BASE_URL=http://localhost:8082 TOKEN=... JOB_PID=<job-service pid> java bench/sse/FanOut.java 10000 2.5 30
 * </pre>
 *
 * All subscribers connect first; then runs are created for WARMUP (default 5) + the given seconds; then it waits a
 * few seconds for the last events. Latency counts from the end of the warm-up (both JVMs compile their hot paths
 * for the full load meanwhile); gaps and duplicates count throughout. TIMELINE=1 prints latency per second.
 * One thread drives every connection with a non-blocking selector (HTTP/1.1, chunked), so the client itself stays
 * cheap next to the service. Each subscriber checks that ids strictly increase
 * (duplicates), and every subscriber must receive exactly the events the most complete one received (gaps).
 * Latency is arrival time minus the event's "timestamp" (when the executor or job-service produced it), taken
 * for every event of every LATENCY_SAMPLE-th subscriber (default 10; 1 times all, at a client cost that becomes
 * the bottleneck on two cores from about 5,000 subscribers).
 * job-service must allow the streams: runstream.job.stream.max-streams-per-user and
 * runstream.job.stream.max-streams above N (and a heap for them: ~18 KB per stream).
 *
 * <p>The same load on nginx's nchan module (bench/sse/nchan/run.sh): NCHAN=http://localhost:9090 subscribes to
 * {@code /sub} and publishes to {@code /pub} instead, each "run" four messages sent at once without waiting for the
 * answers (a run's four events), each with its own timestamp; ids ("time:tag") are compared as numbers; JOB_PID is
 * then nginx's worker.
 */
public class FanOut {

    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":\"([^\"]+)\"");
    private static final int[] LATENCY_MS = new int[120_001];
    private static final Object REGISTRATION = new Object();
    /** Every LATENCY_SAMPLE-th subscriber's events are timed: all of their events, a tenth of the streams. */
    private static final int LATENCY_SAMPLE = Integer.parseInt(System.getenv().getOrDefault("LATENCY_SAMPLE", "10"));
    /** TIMELINE=1: the latency's p50 / p99 / max per second of arrival, to tell a steady tail from a few bad seconds. */
    private static final boolean TIMELINE = System.getenv("TIMELINE") != null;
    private static final int[][] TIMELINE_MS = new int[400][];
    private static volatile long timelineStart;
    /** WARMUP seconds of the full load before latency counts (gaps and duplicates count throughout). */
    private static final int WARMUP = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "5"));
    private static volatile long measureFrom = Long.MAX_VALUE;
    private static final AtomicLong PUBLISH_FAILURES = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 2.5;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String nchan = System.getenv("NCHAN");
        URI base = URI.create(nchan != null ? nchan : System.getenv().getOrDefault("BASE_URL", "http://localhost:8082"));
        String token = System.getenv("TOKEN");
        String jobPid = System.getenv("JOB_PID");

        List<Subscriber> all = new ArrayList<>();
        Selector selector = Selector.open();
        String path = nchan != null ? "/sub" : "/api/v1/events/runs?job_id=system/echo";
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost()
                + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n";
        Thread io = new Thread(() -> drive(selector), "fan-out-io");
        io.setDaemon(true);
        io.start();
        // connect in waves of at most 200 unanswered connections: thousands of simultaneous SYNs overflow the
        // server's accept backlog and the kernel's retransmission back-off would dominate the ramp-up
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (all.stream().filter(s -> s.open).count() < subscribers && System.nanoTime() < deadline) {
            long answered = all.stream().filter(s -> s.open || s.refused).count();
            int batch = (int) Math.min(subscribers - all.size(), Math.max(0, 200 - (all.size() - answered)));
            for (int i = 0; i < batch; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.connect(new InetSocketAddress(base.getHost(), base.getPort()));
                Subscriber s = new Subscriber(channel, request, all.size() % LATENCY_SAMPLE == 0);
                all.add(s);
                synchronized (REGISTRATION) {
                    selector.wakeup();
                    channel.register(selector, SelectionKey.OP_CONNECT, s);
                }
            }
            Thread.sleep(50);
        }
        long open = all.stream().filter(s -> s.open).count();
        System.out.printf("%d of %d subscribers open (%d refused)%n", open, subscribers,
                all.stream().filter(s -> s.refused).count());
        Thread.sleep(2000);

        HttpClient http = HttpClient.newHttpClient();
        double cpuBefore = cpuSeconds(jobPid);
        long clientCpuBefore = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(io.getId());
        timelineStart = System.currentTimeMillis();
        measureFrom = timelineStart + WARMUP * 1000L;
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        int created = 0;
        int failed = 0;
        while (System.nanoTime() - start < Duration.ofSeconds(WARMUP + seconds).toNanos()) {
            long next = start + created * interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (nchan != null) {
                // without waiting for the answers: nginx publishes on the worker that also writes to every subscriber,
                // so a publisher that waits for each answer offers less than the load (6.3 of 10 events/s at 10k)
                for (int event = 0; event < 4; event++) {
                    http.sendAsync(HttpRequest.newBuilder(base.resolve("/pub"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"n\":" + (created * 4 + event) + ",\"timestamp\":\"" + Instant.now() + "\"}"))
                            .build(), HttpResponse.BodyHandlers.discarding())
                            .whenComplete((answer, error) -> {
                                if (error != null || answer.statusCode() / 100 != 2) {
                                    PUBLISH_FAILURES.incrementAndGet();
                                }
                            });
                }
                created++;
                continue;
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/runs"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"job_id\":\"system/echo\",\"args\":{\"message\":\"fan-out\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            created++;
            if (answer.statusCode() != 201) {
                failed++;
            }
        }
        // the last runs finish and their events arrive: wait until deliveries have been still for 5 s (at most 90 s)
        long last = -1;
        int still = 0;
        for (int i = 0; i < 90 && still < 5; i++) {
            Thread.sleep(1000);
            long now = all.stream().mapToLong(s -> s.events.get()).sum();
            still = now == last ? still + 1 : 0;
            last = now;
        }

        double cpu = cpuSeconds(jobPid) - cpuBefore;
        double clientCpu = (java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(io.getId())
                - clientCpuBefore) / 1e9;
        long reference = 0;
        long referenceSum = 0;
        for (Subscriber s : all) {
            if (s.events.get() > reference) {
                reference = s.events.get();
                referenceSum = s.idSum;
            }
        }
        long gaps = 0;
        long duplicates = 0;
        long deliveries = 0;
        long incomplete = 0;
        for (Subscriber s : all) {
            deliveries += s.events.get();
            duplicates += s.duplicates;
            if (s.open && (s.events.get() != reference || s.idSum != referenceSum)) {
                gaps += Math.max(1, reference - s.events.get());
                incomplete++;
            }
        }
        long gapEvents = all.stream().mapToLong(s -> s.gapSignals).sum();
        System.out.printf("runs created %d (%d failed) in %d s; %d events per subscriber (%.1f/s)%n", created, failed + PUBLISH_FAILURES.get(),
                WARMUP + seconds, reference, reference / (double) (WARMUP + seconds));
        System.out.printf("deliveries %d, duplicates %d, subscribers missing events %d (%d events), gap signals %d%n",
                deliveries, duplicates, incomplete, gaps, gapEvents);
        System.out.printf("latency (after a %d s warm-up at the full load) ms: p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n",
                WARMUP, percentile(LATENCY_MS, 0.50), percentile(LATENCY_MS, 0.90),
                percentile(LATENCY_MS, 0.99), percentile(LATENCY_MS, 0.999), percentile(LATENCY_MS, 1.0));
        System.out.printf("client I/O thread CPU %.1f s%n", clientCpu);
        if (TIMELINE) {
            for (int second = 0; second < TIMELINE_MS.length; second++) {
                if (TIMELINE_MS[second] != null) {
                    int[] counts = TIMELINE_MS[second];
                    System.out.printf("  second %3d: p50 %5d  p99 %5d  max %5d ms%n", second, percentile(counts, 0.5),
                            percentile(counts, 0.99), percentile(counts, 1.0));
                }
            }
        }
        if (jobPid != null) {
            // includes creating and executing the runs (≈ 15-25 ms each), so per delivery it is an upper bound
            System.out.printf("job-service CPU %.1f s during the run and the drain: %.1f µs per delivery%n", cpu,
                    deliveries == 0 ? 0 : cpu * 1e6 / deliveries);
            for (String line : Files.readAllLines(Path.of("/proc/" + jobPid + "/status"))) {
                if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                    System.out.println("job-service " + line.replaceAll("\\s+", " "));
                }
            }
        }
        System.exit(0);
    }

    /** user + system CPU seconds of a process so far (0 without a pid). */
    private static double cpuSeconds(String pid) throws java.io.IOException {
        if (pid == null) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** The latency in ms below which the fraction {@code p} of the counted events arrived (-1 when none). */
    private static int percentile(int[] counts, double p) {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        long wanted = (long) Math.ceil(total * p);
        long seen = 0;
        for (int ms = 0; ms < counts.length; ms++) {
            seen += counts[ms];
            if (seen >= wanted && wanted > 0) {
                return ms;
            }
        }
        return -1;
    }

    private static void drive(Selector selector) {
        // a heap buffer: the parser scans its array (the JDK reads through a cached direct buffer and copies)
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        while (true) {
            try {
                synchronized (REGISTRATION) {
                    // lets the main thread register new channels between two selects
                }
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    Subscriber s = (Subscriber) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            s.channel.finishConnect();
                            s.channel.write(ByteBuffer.wrap(s.request.getBytes(StandardCharsets.US_ASCII)));
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            buffer.clear();
                            int n = s.channel.read(buffer);
                            if (n < 0) {
                                s.open = false;
                                key.cancel();
                                s.channel.close();
                                continue;
                            }
                            s.accept(buffer.array(), n, System.currentTimeMillis());
                        }
                    } catch (IOException e) {
                        if (!s.open) {
                            s.refused = true; // never got its stream: counts as answered for the ramp-up
                        }
                        s.open = false;
                        key.cancel();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A numeric id as it is; nchan's "time:tag" (tag possibly "[n]") as time * 1,000,000 + tag, which orders the same. */
    static long idOf(String id) {
        int colon = id.indexOf(':');
        if (colon < 0) {
            return Long.parseLong(id);
        }
        return Long.parseLong(id.substring(0, colon)) * 1_000_000 + Long.parseLong(id.substring(colon + 1).replaceAll("[^0-9]", ""));
    }

    /** One SSE connection: HTTP headers, then chunked body decoded, then SSE lines. */
    static final class Subscriber {
        // written by the I/O thread, read by the main thread
        final SocketChannel channel;
        final String request;
        volatile boolean open;
        volatile boolean refused;
        final AtomicLong events = new AtomicLong();
        long idSum;
        long lastId = -1;
        long duplicates;
        long gapSignals;
        private final StringBuilder line = new StringBuilder();
        private boolean headersDone;
        private boolean chunked;
        private long chunkLeft = -1; // -1: reading a chunk-size line
        private long chunkSize;
        private int sizeDigits;
        private boolean sizeDone;
        private byte[] sseBytes = new byte[128];
        private int kept;
        private long pendingId = -1;
        private boolean pendingGap;
        private long pendingTime = -1;

        /** Whether this subscriber's events count for latency (they all count for gaps and duplicates). */
        final boolean sampled;

        Subscriber(SocketChannel channel, String request, boolean sampled) {
            this.channel = channel;
            this.request = request;
            this.sampled = sampled;
        }

        /**
         * The bytes read from the connection: HTTP headers, then the chunked body, whose data goes to the SSE parser
         * a run at a time. The client has to stay much cheaper than the server it measures: byte-at-a-time
         * StringBuilder parsing cost it ~5 µs per delivery, as much as job-service's fan-out.
         */
        void accept(byte[] data, int length, long now) {
            int i = 0;
            while (i < length) {
                if (!headersDone) {
                    header(data[i++]);
                } else if (!chunked) {
                    body(data, i, length, now);
                    return;
                } else if (chunkLeft < 0) {
                    byte b = data[i++];
                    if (b == '\n') {
                        if (sizeDigits > 0) {
                            chunkLeft = chunkSize;
                        }
                        chunkSize = 0;
                        sizeDigits = 0;
                        sizeDone = false;
                    } else if (!sizeDone) {
                        int digit = Character.digit(b, 16);
                        if (digit < 0) {
                            sizeDone = true; // ';' of an extension or the CR
                        } else {
                            chunkSize = chunkSize * 16 + digit;
                            sizeDigits++;
                        }
                    }
                } else if (chunkLeft == 0) {
                    if (data[i++] == '\n') { // the CRLF after a chunk's data
                        chunkLeft = -1;
                    }
                } else {
                    int n = (int) Math.min(chunkLeft, length - i);
                    body(data, i, i + n, now);
                    i += n;
                    chunkLeft -= n;
                }
            }
        }

        private void header(byte b) {
            if (b != '\n') {
                line.append((char) b);
                return;
            }
            String header = line.toString().trim();
            line.setLength(0);
            if (header.startsWith("HTTP/1.1")) {
                open = header.contains(" 200");
                refused = !open;
            } else if (header.toLowerCase().startsWith("transfer-encoding:") && header.toLowerCase().contains("chunked")) {
                chunked = true;
            } else if (header.isEmpty()) {
                headersDone = true;
            }
        }

        /** SSE lines: a line's bytes are kept (only its start for an unsampled subscriber's data) until its LF. */
        private void body(byte[] data, int from, int to, long now) {
            int i = from;
            while (i < to) {
                int lf = i;
                while (lf < to && data[lf] != '\n') {
                    lf++;
                }
                keep(data, i, lf);
                if (lf == to) {
                    return;
                }
                sseLine(now);
                kept = 0;
                i = lf + 1;
            }
        }

        private void keep(byte[] data, int from, int to) {
            // an unsampled subscriber keeps a line's first bytes: enough for "id:", "event:gap" and "data:"
            int n = sampled ? to - from : Math.min(to - from, Math.max(0, 64 - kept));
            if (n <= 0) {
                return;
            }
            if (kept + n > sseBytes.length) {
                sseBytes = java.util.Arrays.copyOf(sseBytes, Math.max(sseBytes.length * 2, kept + n));
            }
            System.arraycopy(data, from, sseBytes, kept, n);
            kept += n;
        }

        private boolean lineStarts(String prefix) {
            if (kept < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (sseBytes[i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void sseLine(long now) {
            int length = kept > 0 && sseBytes[kept - 1] == '\r' ? kept - 1 : kept;
            kept = length;
            if (lineStarts("id:")) {
                pendingId = idOf(new String(sseBytes, 3, length - 3, StandardCharsets.US_ASCII).trim());
            } else if (lineStarts("event:")) {
                pendingGap = length == 9 && lineStarts("event:gap");
            } else if (lineStarts("data:")) {
                if (sampled) {
                    pendingTime = timestampOf(length);
                }
            } else if (length == 0) {
                if (pendingGap) {
                    gapSignals++;
                }
                if (pendingId >= 0) {
                    if (pendingId <= lastId) {
                        duplicates++;
                    } else {
                        lastId = pendingId;
                        idSum += pendingId;
                        events.incrementAndGet();
                        if (pendingTime > 0) {
                            record(now - pendingTime, now);
                        }
                    }
                }
                pendingId = -1;
                pendingGap = false;
                pendingTime = -1;
            }
        }

        /** The data line's {@code "timestamp":"..."} as epoch millis, or -1. */
        private long timestampOf(int length) {
            String text = new String(sseBytes, 5, length - 5, StandardCharsets.UTF_8);
            Matcher m = TIMESTAMP.matcher(text);
            return m.find() ? Instant.parse(m.group(1)).toEpochMilli() : -1;
        }

        private static void record(long latency, long now) {
            int bucket = (int) Math.max(0, Math.min(LATENCY_MS.length - 1, latency));
            if (now >= measureFrom) {
                LATENCY_MS[bucket]++;
            }
            long second = timelineStart == 0 ? -1 : (now - timelineStart) / 1000;
            if (TIMELINE && second >= 0 && second < TIMELINE_MS.length) {
                if (TIMELINE_MS[(int) second] == null) {
                    TIMELINE_MS[(int) second] = new int[LATENCY_MS.length];
                }
                TIMELINE_MS[(int) second][bucket]++;
            }
        }
    }
}
