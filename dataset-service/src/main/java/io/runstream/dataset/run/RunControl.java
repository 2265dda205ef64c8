package io.runstream.dataset.run;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The control state of one attempt of a run on this instance: cancel, pause and resume requests,
 * and the waits they cause. The run looks at it between chunks of work ({@link #checkpoint} or
 * {@link #awaitBlocking}): a cancelled run stops there, a paused one waits there until resumed or
 * cancelled. Requests may arrive before the run itself (the control and run-events topics are read
 * by different consumers), so an entry can exist for a run not accepted yet.
 */
final class RunControl {

    /** Thrown (or signalled) at a checkpoint of a run whose cancellation was requested. */
    static final class RunCancelled extends RuntimeException {
        RunCancelled() {
            super("cancelled on request", null, false, false);
        }
    }

    private final long createdNanos = System.nanoTime();
    private volatile boolean cancelled;
    private volatile boolean pauseRequested;
    private volatile boolean accepted;
    private Sinks.Empty<Void> wake = Sinks.empty();

    synchronized void cancel() {
        cancelled = true;
        wakeUp();
    }

    synchronized void pause() {
        pauseRequested = true;
    }

    synchronized void resume() {
        pauseRequested = false;
        wakeUp();
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Marks the entry as belonging to a run this instance executes (it no longer expires). */
    void accept() {
        accepted = true;
    }

    /** An entry for a run that never reached this instance, older than {@code nanos}. */
    boolean unclaimedFor(long nanos) {
        return !accepted && System.nanoTime() - createdNanos > nanos;
    }

    private void wakeUp() {
        wake.tryEmitEmpty();
        wake = Sinks.empty();
    }

    /**
     * Completes at once when the run may go on; when a pause is requested, runs {@code paused}, waits
     * (without holding a thread) until resumed, then runs {@code resumed}; signals {@link RunCancelled}
     * when the run is (or gets, while paused) cancelled.
     */
    Mono<Void> checkpoint(Mono<Void> paused, Mono<Void> resumed) {
        return Mono.defer(() -> {
            if (cancelled) {
                return Mono.error(new RunCancelled());
            }
            if (!pauseRequested) {
                return Mono.empty();
            }
            return paused.then(untilResumed()).then(resumed);
        });
    }

    private Mono<Void> untilResumed() {
        return Mono.defer(() -> {
            Mono<Void> woken;
            synchronized (this) {
                if (cancelled) {
                    return Mono.error(new RunCancelled());
                }
                if (!pauseRequested) {
                    return Mono.empty();
                }
                woken = wake.asMono();
            }
            return woken.then(untilResumed());
        });
    }

    /**
     * {@link #checkpoint} for work running on a worker thread: blocks that thread while the run is
     * paused, throws {@link RunCancelled}. On a non-blocking thread a pause is left to the next checkpoint.
     */
    void awaitBlocking(Mono<Void> paused, Mono<Void> resumed) {
        if (cancelled) {
            throw new RunCancelled();
        }
        if (pauseRequested && !Schedulers.isInNonBlockingThread()) {
            checkpoint(paused, resumed).block();
        }
    }
}
