package io.runstream.dataset.run;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The blocking checkpoint a worker thread passes mid-file (the reactive one is covered through Kafka and HTTP). */
class RunControlTest {

    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final Mono<Void> paused = Mono.fromRunnable(() -> reported.add("paused"));
    private final Mono<Void> resumed = Mono.fromRunnable(() -> reported.add("resumed"));

    @Test
    void aWorkerPassesFreely_untilPaused_thenWaitsForTheResume() throws Exception {
        RunControl control = new RunControl();
        control.awaitBlocking(paused, resumed);
        assertThat(reported).isEmpty();

        control.pause();
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> control.awaitBlocking(paused, resumed));
        await().atMost(Duration.ofSeconds(10)).until(() -> reported.contains("paused"));
        Thread.sleep(300);
        assertThat(worker).isNotDone();

        control.resume();
        worker.get(10, TimeUnit.SECONDS);
        assertThat(reported).containsExactly("paused", "resumed");
    }

    @Test
    void aCancelWhilePaused_wakesTheWorker_withRunCancelled() {
        RunControl control = new RunControl();
        control.pause();
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> control.awaitBlocking(paused, resumed));
        await().atMost(Duration.ofSeconds(10)).until(() -> reported.contains("paused"));

        control.cancel();
        assertThatThrownBy(() -> worker.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RunControl.RunCancelled.class);
        assertThat(reported).containsExactly("paused");
        assertThatThrownBy(() -> control.awaitBlocking(paused, resumed)).isInstanceOf(RunControl.RunCancelled.class);
    }

    @Test
    void aResumeBeforeTheCheckpoint_leavesNothingToWaitFor() {
        RunControl control = new RunControl();
        control.pause();
        control.resume();
        control.checkpoint(paused, resumed).block(Duration.ofSeconds(1));
        assertThat(reported).isEmpty();
        assertThat(control.unclaimedFor(0)).isTrue();
        control.accept();
        assertThat(control.unclaimedFor(0)).isFalse();
    }
}
