package io.runstream.job.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * What streams may hold unwritten: each its own bound, and all of them the replica's budget, which the streams
 * furthest behind pay for. {@link DurableStreamTest} covers the dispatcher and a real stream using it.
 */
class StreamBuffersTest {

    private final AtomicInteger streams = new AtomicInteger();

    @Test
    void aStreamMayHoldUpToItsBound_andWhatItWritesIsFreeAgain() {
        StreamBuffers buffers = new StreamBuffers(1000, 1_000_000, streams::get);
        StreamBuffers.Account stream = open(buffers);

        assertThat(stream.take(600)).isTrue();
        assertThat(stream.take(400)).isTrue();
        assertThat(stream.take(1)).as("one byte over its bound").isFalse();
        assertThat(stream.held()).isEqualTo(1000);
        assertThat(buffers.total()).isEqualTo(1000);

        stream.release(600);
        assertThat(stream.take(500)).isTrue();
        assertThat(stream.held()).isEqualTo(900);
        assertThat(buffers.total()).isEqualTo(900);
    }

    @Test
    void overTheBudget_theStreamsBehindAreRefused_notAHealthyStreamHandedALargeBatch() {
        StreamBuffers buffers = new StreamBuffers(10_000, 1000, streams::get);
        StreamBuffers.Account stalledA = open(buffers);
        StreamBuffers.Account stalledB = open(buffers);
        StreamBuffers.Account healthy = open(buffers);

        // two streams stop reading: 900 of the budget of 1000 held, each over its fair share (1000 / 3)
        assertThat(stalledA.take(450)).isTrue();
        assertThat(stalledB.take(450)).isTrue();

        // the healthy one wrote everything before: a batch that takes the replica over budget is still its
        assertThat(healthy.take(300)).isTrue();
        assertThat(buffers.total()).isEqualTo(1200);
        healthy.release(300);

        // the stalled ones are not handed more while the replica is over its budget
        assertThat(stalledA.take(200)).isFalse();
        assertThat(stalledB.take(200)).isFalse();
        // ... and below its budget they are (each stays within its own bound of 10 000)
        assertThat(stalledA.take(50)).isTrue();
        assertThat(buffers.total()).isEqualTo(950);
    }

    @Test
    void aClosedStream_stopsCounting_andItsLateReleasesAndTakesChangeNothing() {
        StreamBuffers buffers = new StreamBuffers(1000, 1_000_000, streams::get);
        StreamBuffers.Account gone = open(buffers);
        StreamBuffers.Account other = open(buffers);
        gone.take(700);
        other.take(100);

        gone.close();
        assertThat(buffers.total()).isEqualTo(100);
        // a buffer of the closed stream that Netty releases after it was dropped
        gone.release(300);
        gone.close();
        assertThat(gone.take(10)).isFalse();
        assertThat(gone.held()).isZero();
        assertThat(buffers.total()).isEqualTo(100);
    }

    @Test
    void concurrentTakesReleasesAndCloses_leaveTheTotalExact() throws InterruptedException {
        StreamBuffers buffers = new StreamBuffers(1_000_000, Long.MAX_VALUE, streams::get);
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            StreamBuffers.Account account = open(buffers);
            boolean closes = i % 2 == 0;
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 100_000; n++) {
                    if (account.take(7)) {
                        account.release(7);
                    }
                }
                account.take(5);
                if (closes) {
                    account.close();
                    account.release(5);
                }
            });
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        // four streams still hold their last 5 bytes, the four closed ones nothing
        assertThat(buffers.total()).isEqualTo(20);
    }

    private StreamBuffers.Account open(StreamBuffers buffers) {
        streams.incrementAndGet();
        return buffers.open();
    }
}
