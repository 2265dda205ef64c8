package io.runstream.gateway.ratelimit;

import io.runstream.gateway.GatewayProperties;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers failed logins per username and per client address for a window; once either has
 * failed too often, further attempts are refused until the window since the first failure ends.
 * A successful login clears the username's count.
 */
final class LoginThrottle {

    private static final int SWEEP_THRESHOLD = 50_000;

    private final GatewayProperties.Login settings;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    LoginThrottle(GatewayProperties.Login settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.windowNanos = settings.window().toNanos();
        this.nanoClock = nanoClock;
    }

    /** Nanoseconds until this user (or address) may try again; 0 when they may now. */
    long blockedFor(String username, String address) {
        long now = nanoClock.getAsLong();
        return Math.max(blockedFor("u:" + normalise(username), settings.maxFailuresPerUser(), now),
                blockedFor("a:" + address, settings.maxFailuresPerAddress(), now));
    }

    void failed(String username, String address) {
        long now = nanoClock.getAsLong();
        if (failures.size() > SWEEP_THRESHOLD) {
            failures.values().removeIf(f -> now - f.since() >= windowNanos);
        }
        if (username != null) {
            count("u:" + normalise(username), now);
        }
        count("a:" + address, now);
    }

    void succeeded(String username) {
        if (username != null) {
            failures.remove("u:" + normalise(username));
        }
    }

    private long blockedFor(String key, int max, long now) {
        Failures f = failures.get(key);
        if (f == null || now - f.since() >= windowNanos || f.count() < max) {
            return 0;
        }
        return windowNanos - (now - f.since());
    }

    private void count(String key, long now) {
        failures.compute(key, (k, f) -> f == null || now - f.since() >= windowNanos ? new Failures(1, now)
                : new Failures(f.count() + 1, f.since()));
    }

    private static String normalise(String username) {
        return username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private record Failures(int count, long since) {
    }
}
