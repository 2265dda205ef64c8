package io.runstream.gateway.ratelimit;

import io.runstream.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong();
    private final LoginThrottle throttle = new LoginThrottle(
            new GatewayProperties.Login("/api/v1/login/access-token", 3, 5, Duration.ofMinutes(10)), now::get);

    @Test
    void username_isBlockedAfterTooManyFailures_caseInsensitively_untilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.blockedFor("Mallory", "1.1.1.1")).isZero();
            throttle.failed("mallory", "1.1.1." + i);
        }
        assertThat(throttle.blockedFor("MALLORY", "9.9.9.9")).isEqualTo(Duration.ofMinutes(10).toNanos());
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        assertThat(throttle.blockedFor("mallory", "9.9.9.9")).isEqualTo(Duration.ofMinutes(6).toNanos());
        now.addAndGet(Duration.ofMinutes(6).toNanos());
        assertThat(throttle.blockedFor("mallory", "9.9.9.9")).isZero();
    }

    @Test
    void address_isBlockedAfterFailuresAcrossUsernames() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i, "6.6.6.6");
        }
        assertThat(throttle.blockedFor("fresh", "6.6.6.6")).isPositive();
        assertThat(throttle.blockedFor("fresh", "7.7.7.7")).isZero();
    }

    @Test
    void success_clearsTheUsernamesFailures() {
        throttle.failed("bob", "1.1.1.1");
        throttle.failed("bob", "1.1.1.1");
        throttle.succeeded("bob");
        throttle.failed("bob", "1.1.1.1");
        throttle.failed("bob", "1.1.1.1");
        assertThat(throttle.blockedFor("bob", "2.2.2.2")).isZero();
    }
}
