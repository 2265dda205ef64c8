package io.runstream.job.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The bytes of live events handed to streams and not yet written to their connections, per stream and for the
 * whole replica. A stream whose client stops reading keeps what it was handed — as batches in its queue, and as
 * direct buffers in its connection's outbound buffer once the socket is full — until it is dropped, so each
 * stream's share must be bounded ({@code subscriber-buffer-size}), and so must their sum: a per-stream bound
 * times the replica's thousands of streams is more memory than the replica has (1 000 streams that never read,
 * under a submission load, grew job-service by 280 MB at a 2 000-event bound per stream).
 *
 * <p>Over the replica's {@code buffer-budget}, a stream is dropped when it already holds more than its fair share
 * (the budget over the open streams) from earlier hand-outs: the streams that fall behind pay for the pressure,
 * not a healthy stream that is handed a large batch at the wrong moment (its earlier batches are written).
 */
final class StreamBuffers {

    private final long perStream;
    private final long budget;
    private final IntSupplier streams;
    private final AtomicLong total = new AtomicLong();

    /**
     * @param perStream bytes one stream may hold unwritten
     * @param budget    bytes all streams of the replica may hold unwritten before the ones furthest behind go
     * @param streams   how many streams are open (for the fair share)
     */
    StreamBuffers(long perStream, long budget, IntSupplier streams) {
        this.perStream = perStream;
        this.budget = budget;
        this.streams = streams;
    }

    Account open() {
        return new Account();
    }

    /** Bytes held by every open stream together. */
    long total() {
        return total.get();
    }

    /** One stream's share. Closed when the stream is dropped or ends: what it still held no longer counts. */
    final class Account {

        private static final long CLOSED = Long.MIN_VALUE;
        private final AtomicLong held = new AtomicLong();

        private Account() {
        }

        /**
         * Counts a batch about to be handed to the stream; false (and nothing counted) when the stream must be
         * dropped instead: the batch would take it over its own bound, or the replica is over its budget and the
         * stream held more than its fair share before this batch.
         */
        boolean take(int bytes) {
            while (true) {
                long before = held.get();
                if (before == CLOSED || before + bytes > perStream) {
                    return false;
                }
                if (total.get() + bytes > budget && before > budget / Math.max(1, streams.getAsInt())) {
                    return false;
                }
                // one thread hands a stream its batches, but the stream's writes (release) and end (close) race with it
                if (held.compareAndSet(before, before + bytes)) {
                    total.addAndGet(bytes);
                    return true;
                }
            }
        }

        /** The stream wrote (or discarded) bytes it had taken. */
        void release(int bytes) {
            long before = held.getAndUpdate(h -> h == CLOSED ? CLOSED : h - bytes);
            if (before != CLOSED) {
                total.addAndGet(-bytes);
            }
        }

        /** The stream is gone: what it held stops counting, and later releases of it are ignored. */
        void close() {
            long before = held.getAndSet(CLOSED);
            if (before != CLOSED) {
                total.addAndGet(-before);
            }
        }

        long held() {
            long h = held.get();
            return h == CLOSED ? 0 : h;
        }
    }
}
