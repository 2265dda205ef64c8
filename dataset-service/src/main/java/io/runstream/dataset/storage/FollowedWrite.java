package io.runstream.dataset.storage;

import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets one blocking reader follow an object while {@link ObjectStore#write(String, String, reactor.core.publisher.Flux,
 * long, FollowedWrite)} stores it: {@link #input()} reads the bytes stored so far and waits for more until the write
 * completes (then end of stream) or fails or is {@link #abandon abandoned} (then an IOException). The object itself
 * is the buffer between the two, so a slow reader never holds the upload in memory and never slows the writer.
 * The writer's side never blocks (it runs on event loops): it only sets flags and unparks the reader, who also
 * looks again every few milliseconds by itself.
 */
public final class FollowedWrite {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private volatile InputStream source;
    private final AtomicBoolean handedOut = new AtomicBoolean();
    private volatile boolean complete;
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private volatile Thread reader;

    /** Writer side: the object exists now; {@code source} reads it from its start. */
    void opened(InputStream source) {
        this.source = source;
        if (failure.get() != null) {
            closeUnread();
        }
        wake();
    }

    /** Writer side: more bytes are on their way to the object. */
    void advanced() {
        wake();
    }

    /** Writer side: every byte is stored. */
    void completed() {
        complete = true;
        wake();
    }

    /** Writer side: the write failed; the reader gets an IOException. */
    void failed(Throwable error) {
        abandon(String.valueOf(error.getMessage()));
    }

    /** Either side: nothing more will be read; the reader gets an IOException even if the write completed. */
    public void abandon(String reason) {
        failure.compareAndSet(null, new IOException("the upload was abandoned: " + reason));
        closeUnread();
        wake();
    }

    private void closeUnread() {
        InputStream in = source;
        if (in != null && handedOut.compareAndSet(false, true)) {
            // abandon may be called on an event loop: closing a file is no work for it
            Schedulers.boundedElastic().schedule(() -> {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing was read from it
                }
            });
        }
    }

    private void wake() {
        Thread waiting = reader;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /** The object's bytes as they are stored; blocks while the writer has not created it yet. */
    public InputStream input() throws IOException {
        reader = Thread.currentThread();
        while (true) {
            failIfAbandoned();
            InputStream in = source;
            if (in != null) {
                if (!handedOut.compareAndSet(false, true)) {
                    failIfAbandoned();
                    throw new IOException("the upload is read already");
                }
                return new Follower(in);
            }
            pause();
        }
    }

    private void failIfAbandoned() throws IOException {
        IOException failed = failure.get();
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
    }

    private void pause() throws InterruptedIOException {
        LockSupport.parkNanos(this, POLL_NANOS);
        if (Thread.interrupted()) {
            throw new InterruptedIOException("interrupted while waiting for the upload");
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
                failIfAbandoned();
                // the flag first: once the write completed, one more read sees every byte
                boolean done = complete;
                int n = in.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (done) {
                    failIfAbandoned();
                    return -1;
                }
                pause();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
