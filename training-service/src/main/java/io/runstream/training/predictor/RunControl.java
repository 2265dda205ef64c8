package io.runstream.training.predictor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The control requests (cancel, pause, resume) for one attempt of a run executing in this
 * process. Requests come from Kafka and HTTP threads; the training thread looks at them at each
 * boosting round boundary.
 */
final class RunControl {

    private final int attempt;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean cancelled;
    private boolean pauseRequested;

    RunControl(int attempt) {
        this.attempt = attempt;
    }

    int attempt() {
        return attempt;
    }

    void cancel() {
        locked(() -> {
            cancelled = true;
            changed.signalAll();
        });
    }

    void pause() {
        locked(() -> pauseRequested = true);
    }

    void resume() {
        locked(() -> {
            pauseRequested = false;
            changed.signalAll();
        });
    }

    private void locked(Runnable change) {
        lock.lock();
        try {
            change.run();
        } finally {
            lock.unlock();
        }
    }

    boolean cancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * On the training thread, at a round boundary: when a pause was requested, calls
     * {@code onPaused}, waits until a resume or a cancel, then calls {@code onResumed} (resume
     * only: a cancelled run ends instead). Returns at once otherwise.
     */
    void awaitIfPaused(Runnable onPaused, Runnable onResumed) {
        lock.lock();
        try {
            if (!pauseRequested || cancelled) {
                return;
            }
        } finally {
            lock.unlock();
        }
        onPaused.run();
        boolean resumed;
        lock.lock();
        try {
            while (pauseRequested && !cancelled) {
                changed.await(1, TimeUnit.SECONDS);
            }
            resumed = !cancelled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
            resumed = false;
        } finally {
            lock.unlock();
        }
        if (resumed) {
            onResumed.run();
        }
    }
}
