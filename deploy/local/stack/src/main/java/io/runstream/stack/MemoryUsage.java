package io.runstream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory of this launcher (which hosts Kafka) and every process below it (PostgreSQL, the services), read
 * from /proc. PostgreSQL's backends share their buffers, so the sum slightly over-counts: it is an upper bound.
 */
record MemoryUsage(long residentKibibytes, int processes) {

    /** Memory of the given processes and all their descendants. */
    static MemoryUsage of(List<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle root : roots) {
            all.add(root);
            root.descendants().forEach(all::add);
        }
        long total = 0;
        int counted = 0;
        for (ProcessHandle process : all) {
            long rss = residentKibibytes(process.pid());
            if (rss >= 0) {
                total += rss;
                counted++;
            }
        }
        return new MemoryUsage(total, counted);
    }

    String describe() {
        return String.format("Memory: %.2f GiB resident in %d processes (launcher with Kafka, PostgreSQL, six services).",
                residentKibibytes / (1024.0 * 1024.0), processes);
    }

    private static long residentKibibytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
