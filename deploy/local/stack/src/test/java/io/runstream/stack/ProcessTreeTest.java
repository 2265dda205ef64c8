package io.runstream.stack;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessTreeTest {

    @Test
    void stop_killsTheProcessAndWhatItStarted_evenWhenSigtermIsIgnored() throws Exception {
        // a shell that ignores SIGTERM and has a child of its own
        Process shell = new ProcessBuilder("bash", "-c", "trap '' TERM; sleep 300 & wait").start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (shell.descendants().findAny().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(List.of(shell.toHandle()));
        shell.descendants().forEach(tree::add);
        assertThat(tree).hasSizeGreaterThanOrEqualTo(2);

        List<ProcessHandle> survivors = ProcessTree.stop(List.of(shell.toHandle()), Duration.ofMillis(300));

        assertThat(survivors).isEmpty();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
    }
}
