package io.runstream.gateway.ratelimit;

import io.runstream.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();

    private RateLimiter limiter(int principal, int tenant, int anonymous, int maxKeys) {
        var settings = new GatewayProperties.RateLimit(true,
                new GatewayProperties.Bucket(principal, Duration.ofMinutes(1)),
                new GatewayProperties.Bucket(tenant, Duration.ofMinutes(1)),
                new GatewayProperties.Bucket(anonymous, Duration.ofMinutes(1)), maxKeys,
                new GatewayProperties.Login("/login", 5, 20, Duration.ofMinutes(15)));
        return new RateLimiter(settings, now::get);
    }

    @Test
    void principalAndTenant_bothCount_andTheTighterOneIsReported() {
        RateLimiter limiter = limiter(3, 4, 10, 1000);
        assertThat(limiter.take("user:a", "t", "1.1.1.1").remaining()).isEqualTo(2);
        assertThat(limiter.take("user:b", "t", "1.1.1.1").remaining()).isEqualTo(2);
        assertThat(limiter.take("user:b", "t", "1.1.1.1").remaining()).isEqualTo(1);
        TokenBucket.Verdict fourth = limiter.take("user:c", "t", "1.1.1.1");
        assertThat(fourth.allowed()).isTrue();
        assertThat(fourth.limit()).isEqualTo(4);
        assertThat(fourth.remaining()).isZero();
        TokenBucket.Verdict fifth = limiter.take("user:c", "t", "1.1.1.1");
        assertThat(fifth.allowed()).isFalse();
        assertThat(fifth.limit()).isEqualTo(4);
    }

    @Test
    void anonymousCallers_areCountedPerAddress() {
        RateLimiter limiter = limiter(3, 4, 1, 1000);
        assertThat(limiter.take(null, null, "1.1.1.1").allowed()).isTrue();
        assertThat(limiter.take(null, null, "1.1.1.1").allowed()).isFalse();
        assertThat(limiter.take(null, null, "2.2.2.2").allowed()).isTrue();
    }

    @Test
    void idleFullBuckets_areDropped_whenTooManyAreTracked() {
        RateLimiter limiter = limiter(3, 4, 1, 10);
        for (int i = 0; i < 30; i++) {
            limiter.take(null, null, "10.0.0." + i);
            now.addAndGet(Duration.ofMinutes(2).toNanos());
        }
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(11);
    }
}
