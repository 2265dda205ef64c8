package io.runstream.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void fullBucket_allowsItsCapacity_thenRefuses() {
        TokenBucket bucket = new TokenBucket(3, 3 * SECOND, 0);
        assertThat(bucket.tryTake(0).remaining()).isEqualTo(2);
        assertThat(bucket.tryTake(0).remaining()).isEqualTo(1);
        assertThat(bucket.tryTake(0).remaining()).isZero();
        TokenBucket.Verdict refused = bucket.tryTake(0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.nanosUntilNext()).isEqualTo(SECOND);
        assertThat(refused.nanosUntilFull()).isEqualTo(3 * SECOND);
    }

    @Test
    void refillsContinuously_neverAboveCapacity() {
        TokenBucket bucket = new TokenBucket(10, 10 * SECOND, 0);
        for (int i = 0; i < 10; i++) {
            bucket.tryTake(0);
        }
        assertThat(bucket.tryTake(SECOND / 2).allowed()).isFalse();
        assertThat(bucket.tryTake(SECOND).allowed()).isTrue();
        assertThat(bucket.peek(100 * SECOND).remaining()).isEqualTo(10);
        assertThat(bucket.isFull(100 * SECOND)).isTrue();
    }
}
