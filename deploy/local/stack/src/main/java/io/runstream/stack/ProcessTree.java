package io.runstream.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Stops processes together with everything they started: politely first, forcibly after a grace period. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Sends SIGTERM to every root, waits up to {@code grace} for the roots and their descendants (as they were just
     * before the signal, so that orphans re-parented to init are not forgotten), then kills whatever is left.
     *
     * @return the processes that are still alive afterwards (empty unless the kernel refused to kill them)
     */
    static List<ProcessHandle> stop(List<ProcessHandle> roots, Duration grace) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            all.add(root);
            root.descendants().forEach(all::add);
        }
        roots.forEach(ProcessHandle::destroy);
        awaitExit(all, grace);
        for (ProcessHandle process : all) {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        awaitExit(all, Duration.ofSeconds(10));
        List<ProcessHandle> survivors = new ArrayList<>();
        for (ProcessHandle process : all) {
            if (process.isAlive()) {
                survivors.add(process);
            }
        }
        return survivors;
    }

    private static void awaitExit(Set<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle process : processes) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            try {
                process.onExit().get(remaining, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception timeoutOrFailure) {
                return;
            }
        }
    }
}
