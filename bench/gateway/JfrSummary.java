import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Summarises a JFR recording of the gateway under load (JDK 17 has no {@code jfr view}):
 *
 *   java bench/gateway/JfrSummary.java RECORDING.jfr [REQUESTS] [TOP]
 *
 * - bytes allocated during the recording, exactly, from {@code jdk.ThreadAllocationStatistics} (each thread's
 *   running total at the first and the last chunk boundary; JFR's own threads left out), and per request when
 *   REQUESTS is given; TOP 0 prints only {@code allocated_bytes=... seconds=... compile_ms=...} for scripts;
 * - JIT compilation time during the recording (much of it means the process was not warm yet);
 * - where that allocation happens, from {@code jdk.ObjectAllocationSample} (shares of the samples): by class, by
 *   allocating frame, and by the first frame of a "project" package (Spring, Reactor, Netty, ... see OWNERS) —
 *   which library's code asked for the memory;
 * - where the CPU goes, from {@code jdk.ExecutionSample}: by top frame and by owning package.
 */
public class JfrSummary {

    /** Package prefixes that name the code responsible for an allocation or a sample, most specific first. */
    static final List<String> OWNERS = List.of(
            "io.runstream.", "org.springframework.cloud.gateway.", "org.springframework.security.",
            "org.springframework.web.reactive.", "org.springframework.web.server.", "org.springframework.web.",
            "org.springframework.http.", "org.springframework.boot.", "org.springframework.core.", "org.springframework.util.",
            "org.springframework.", "io.github.resilience4j.", "io.micrometer.observation.", "io.micrometer.tracing.",
            "io.micrometer.core.", "io.micrometer.context.", "io.micrometer.", "io.opentelemetry.", "reactor.netty.",
            "reactor.core.", "reactor.", "io.netty.", "com.nimbusds.", "ch.qos.logback.");

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long requests = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;

        Map<Long, long[]> threadTotals = new HashMap<>();   // thread id -> {first, last}
        Map<String, Long> byClass = new HashMap<>();
        Map<String, Long> byFrame = new HashMap<>();
        Map<String, Long> byOwner = new HashMap<>();
        Map<String, Long> byOwnerFrame = new HashMap<>();
        Map<String, Long> cpuTop = new HashMap<>();
        Map<String, Long> cpuOwner = new HashMap<>();
        Map<String, Long> cpuOwnerFrame = new HashMap<>();
        long sampledWeight = 0;
        long compileNanos = 0;
        java.time.Instant first = null;
        java.time.Instant last = null;
        long cpuSamples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                switch (event.getEventType().getName()) {
                    case "jdk.ThreadAllocationStatistics" -> {
                        RecordedThread thread = event.getThread("thread");
                        if (thread == null || isRecorder(thread)) {
                            break;
                        }
                        first = first == null || event.getStartTime().isBefore(first) ? event.getStartTime() : first;
                        last = last == null || event.getStartTime().isAfter(last) ? event.getStartTime() : last;
                        long allocated = event.getLong("allocated");
                        long[] range = threadTotals.computeIfAbsent(thread.getJavaThreadId(), id -> new long[]{allocated, allocated});
                        range[0] = Math.min(range[0], allocated);
                        range[1] = Math.max(range[1], allocated);
                    }
                    case "jdk.Compilation" -> compileNanos += event.getDuration().toNanos();
                    case "jdk.ObjectAllocationSample" -> {
                        // each sample is taken where a TLAB ran out, so it picks allocation sites in proportion to the
                        // bytes they allocate: counting samples estimates shares steadily; the "weight" field (bytes
                        // since the thread's previous emitted sample) lets a few samples dominate after throttling
                        long weight = 1;
                        sampledWeight += weight;
                        byClass.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack != null && !stack.getFrames().isEmpty()) {
                            byFrame.merge(name(stack.getFrames().get(0)), weight, Long::sum);
                            RecordedFrame owner = firstOwned(stack);
                            byOwner.merge(owner == null ? "(other)" : owner(owner), weight, Long::sum);
                            if (owner != null) {
                                byOwnerFrame.merge(name(owner), weight, Long::sum);
                            }
                        }
                    }
                    case "jdk.ExecutionSample" -> {
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack != null && !stack.getFrames().isEmpty()) {
                            cpuSamples++;
                            cpuTop.merge(name(stack.getFrames().get(0)), 1L, Long::sum);
                            RecordedFrame owner = firstOwned(stack);
                            cpuOwner.merge(owner == null ? "(other)" : owner(owner), 1L, Long::sum);
                            if (owner != null) {
                                cpuOwnerFrame.merge(name(owner), 1L, Long::sum);
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        long allocated = threadTotals.values().stream().mapToLong(r -> r[1] - r[0]).sum();
        double seconds = first == null ? 0 : java.time.Duration.between(first, last).toNanos() / 1e9;
        if (top == 0) {   // one machine-readable line for scripts
            System.out.printf("allocated_bytes=%d seconds=%.3f compile_ms=%.0f%n", allocated, seconds, compileNanos / 1e6);
            return;
        }
        System.out.printf("allocated during the recording: %.1f MB in %.1f s (ThreadAllocationStatistics, JFR's own threads left out)%n",
                allocated / 1e6, seconds);
        System.out.printf("JIT compilation during the recording: %.0f ms (a warm gateway compiles little)%n", compileNanos / 1e6);
        if (requests > 0) {
            System.out.printf("per request: %.1f KB over %d requests%n", allocated / 1e3 / requests, requests);
        }
        System.out.printf("allocation samples: %d%n", sampledWeight);
        print("allocation by owning package (first frame in OWNERS)", byOwner, sampledWeight, top);
        print("allocation by owning frame", byOwnerFrame, sampledWeight, top);
        print("allocation by class", byClass, sampledWeight, top);
        print("allocation by allocating frame", byFrame, sampledWeight, top);
        System.out.printf("%nexecution samples: %d%n", cpuSamples);
        print("CPU by owning package", cpuOwner, cpuSamples, top);
        print("CPU by owning frame", cpuOwnerFrame, cpuSamples, top);
        print("CPU by top frame", cpuTop, cpuSamples, top);
    }

    /** JFR's own threads allocate for the recording, not for requests. */
    static boolean isRecorder(RecordedThread thread) {
        String name = thread.getJavaName();
        return name == null || name.startsWith("JFR") || name.equals("Attach Listener");
    }

    static RecordedFrame firstOwned(RecordedStackTrace stack) {
        Predicate<RecordedFrame> owned = frame -> frame.isJavaFrame() && OWNERS.stream()
                .anyMatch(prefix -> frame.getMethod().getType().getName().startsWith(prefix));
        return stack.getFrames().stream().filter(owned).findFirst().orElse(null);
    }

    static String owner(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return OWNERS.stream().filter(type::startsWith).findFirst().orElse("(other)");
    }

    static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.printf("%n== %s%n", title);
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> entry : entries.subList(0, Math.min(top, entries.size()))) {
            System.out.printf("%5.1f%%  %s%n", 100.0 * entry.getValue() / Math.max(1, total), entry.getKey());
        }
    }
}
