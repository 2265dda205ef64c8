package io.runstream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory of the launcher (which hosts Kafka), PostgreSQL and the services, read from /proc. Two sums: resident set
 * sizes (RSS), which count pages shared between processes (PostgreSQL's shared buffers, the JDK's shared libraries)
 * once per process and so over-count; and proportional set sizes (PSS), which split shared pages between their users
 * and add up to what the stack really occupies.
 */
record MemoryUsage(long residentKibibytes, long proportionalKibibytes, int processes) {

    /** Memory of the given processes and all their descendants. */
    static MemoryUsage of(List<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle root : roots) {
            all.add(root);
            root.descendants().forEach(all::add);
        }
        long rss = 0;
        long pss = 0;
        int counted = 0;
        for (ProcessHandle process : all) {
            long[] sizes = sizes(process.pid());
            if (sizes != null) {
                rss += sizes[0];
                pss += sizes[1];
                counted++;
            }
        }
        return new MemoryUsage(rss, pss, counted);
    }

    String describe() {
        return String.format("Memory: %.2f GiB proportional (PSS), %.2f GiB summed RSS, in %d processes "
                        + "(launcher with Kafka, PostgreSQL, six services).",
                gibibytes(proportionalKibibytes), gibibytes(residentKibibytes), processes);
    }

    private static double gibibytes(long kibibytes) {
        return kibibytes / (1024.0 * 1024.0);
    }

    /** {rss, pss} in KiB, or null when the process is gone or unreadable. */
    private static long[] sizes(long pid) {
        long rss = -1;
        long pss = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Rss:")) {
                    rss = kibibytes(line);
                } else if (line.startsWith("Pss:")) {
                    pss = kibibytes(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return rss < 0 || pss < 0 ? null : new long[] {rss, pss};
    }

    private static long kibibytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
