package io.runstream.dataset.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets one blocking reader follow an object while {@link ObjectStore#write(String, String, reactor.core.publisher.Flux,
 * long, FollowedWrite)} stores it: {@link #input()} reads the bytes stored so far and waits for more until the write
 * completes (then end of stream) or fails or is {@link #abandon abandoned} (then an IOException). The object itself
 * is the buffer between the two, so a slow reader never holds the upload in memory and never slows the writer.
 */
public final class FollowedWrite {

    /** Bytes may be on disk before the writer tells (its completion runs after the write), so waits are short. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private InputStream source;
    private boolean handedOut;
    private boolean complete;
    private IOException failure;

    /** Writer side: the object exists now; {@code source} reads it from its start. */
    void opened(InputStream source) {
        signal(() -> {
            this.source = source;
            if (failure != null) {
                closeQuietly(source);
                handedOut = true;
            }
        });
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }

    /** Writer side: more bytes are on their way to the object. */
    void advanced() {
        signal(() -> {
        });
    }

    /** Writer side: every byte is stored. */
    void completed() {
        signal(() -> complete = true);
    }

    /** Writer side: the write failed; the reader gets an IOException. */
    void failed(Throwable error) {
        abandon(error.getMessage());
    }

    /** Either side: nothing more will be read; the reader gets an IOException even if the write completed. */
    public void abandon(String reason) {
        signal(() -> {
            if (failure == null) {
                failure = new IOException("the upload was abandoned: " + reason);
            }
            if (source != null && !handedOut) {
                closeQuietly(source);
                handedOut = true;
            }
        });
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The object's bytes as they are stored; blocks while the writer has not created it yet. */
    public InputStream input() throws IOException {
        lock.lock();
        try {
            while (source == null || failure != null) {
                failIfAbandoned();
                awaitChange();
            }
            handedOut = true;
            return new Follower(source);
        } finally {
            lock.unlock();
        }
    }

    private void failIfAbandoned() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            changed.awaitNanos(POLL_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upload");
        }
    }

    /** True once the write completed; bytes read after that moment are the last ones. */
    private boolean awaitMore() throws IOException {
        lock.lock();
        try {
            failIfAbandoned();
            if (complete) {
                return false;
            }
            awaitChange();
            failIfAbandoned();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private final class Follower extends InputStream {
        private final InputStream in;

        Follower(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                // read the completion flag before reading the file: a write completed before it is fully visible
                boolean more = awaitMoreWithoutWait();
                int n = in.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (!more) {
                    return -1;
                }
                awaitMore();
            }
        }

        private boolean awaitMoreWithoutWait() throws IOException {
            lock.lock();
            try {
                failIfAbandoned();
                return !complete;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
