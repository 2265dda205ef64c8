package io.runstream.training.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs a few independent pieces of one job (the chunks of a CSV file, the columns of a table) on
 * the calling thread plus a small pool of helper threads shared by every job of an engine: at
 * most {@code threads} threads work on one job, and never more than {@code threads - 1} helpers in
 * all. With one thread everything runs on the caller. Helpers are daemon threads that end when
 * idle for a while.
 */
final class Parallel implements AutoCloseable {

    /** Runs everything on the calling thread. */
    static final Parallel NONE = new Parallel(1);

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ThreadPoolExecutor helpers;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        if (this.threads == 1) {
            this.helpers = null;
            return;
        }
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "training-helper-" + pool + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.helpers = new ThreadPoolExecutor(this.threads - 1, this.threads - 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        this.helpers.allowCoreThreadTimeOut(true);
    }

    /** The threads one job may use, the caller's included. */
    int threads() {
        return threads;
    }

    /**
     * Runs {@code task} once for each index in {@code [0, count)}, on the calling thread and on
     * helpers that are free; returns when every index has run. When an index fails, indexes not
     * started yet are skipped and the (first) failure is thrown here, once the running ones are
     * done. A helper still queued behind another job's pieces when the caller has taken the last
     * index is not waited for.
     */
    void forEach(int count, IntConsumer task) {
        if (helpers == null || count <= 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(count);
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        task.accept(i);
                    }
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }
        };
        List<Future<?>> helping = new ArrayList<>();
        for (int h = Math.min(threads, count) - 1; h > 0; h--) {
            helping.add(helpers.submit(work));
        }
        work.run();
        // every index is taken now; wait for those helpers took (one still queued takes none)
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;  // helpers work on this job's data: wait for them all the same
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        helping.forEach(helper -> helper.cancel(false));
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}
