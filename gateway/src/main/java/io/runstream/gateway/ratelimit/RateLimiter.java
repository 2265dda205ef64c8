package io.runstream.gateway.ratelimit;

import io.runstream.gateway.GatewayProperties;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * In-memory token buckets keyed by principal, tenant or client address. One gateway replica owns
 * its counts; with several replicas each enforces its own share (see docs/gateway.md).
 */
final class RateLimiter {

    private final GatewayProperties.RateLimit settings;
    private final LongSupplier nanoClock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(GatewayProperties.RateLimit settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one request against every bucket it belongs to. The request passes only if each has a
     * token; the answer describes the tightest bucket.
     *
     * @param principal {@code user:<id>} or {@code key:<fingerprint>}, or {@code null} for an anonymous caller
     * @param tenant    the caller's tenant, or {@code null}
     * @param address   the client address, used when there is no principal
     */
    TokenBucket.Verdict take(String principal, String tenant, String address) {
        long now = nanoClock.getAsLong();
        TokenBucket first = principal != null ? bucket("p:" + principal, settings.principal(), now)
                : bucket("a:" + address, settings.anonymous(), now);
        TokenBucket second = principal != null && tenant != null ? bucket("t:" + tenant, settings.tenant(), now) : null;
        if (second == null) {
            return first.tryTake(now);
        }
        TokenBucket.Verdict own = first.peek(now);
        TokenBucket.Verdict shared = second.peek(now);
        if (!own.allowed() || !shared.allowed()) {
            return tighter(own, shared);
        }
        return tighter(first.tryTake(now), second.tryTake(now));
    }

    private static TokenBucket.Verdict tighter(TokenBucket.Verdict a, TokenBucket.Verdict b) {
        if (a.allowed() != b.allowed()) {
            return a.allowed() ? b : a;
        }
        return a.remaining() <= b.remaining() ? a : b;
    }

    private TokenBucket bucket(String key, GatewayProperties.Bucket spec, long now) {
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= settings.maxTrackedKeys()) {
                buckets.values().removeIf(b -> b.isFull(now));
            }
            bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(spec.capacity(), spec.period().toNanos(), now));
        }
        return bucket;
    }

    int trackedKeys() {
        return buckets.size();
    }
}
