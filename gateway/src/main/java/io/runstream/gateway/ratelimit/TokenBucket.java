package io.runstream.gateway.ratelimit;

/**
 * A token bucket: {@code capacity} requests in a burst, refilled continuously at
 * {@code capacity / period}. Thread-safe; cheap enough to take on every request.
 */
final class TokenBucket {

    private final long capacity;
    private final double tokensPerNano;
    private double tokens;
    private long lastRefill;

    TokenBucket(long capacity, long periodNanos, long now) {
        this.capacity = capacity;
        this.tokensPerNano = (double) capacity / periodNanos;
        this.tokens = capacity;
        this.lastRefill = now;
    }

    /** Takes one token if there is one; either way says how the bucket stands afterwards. */
    synchronized Verdict tryTake(long now) {
        refill(now);
        boolean allowed = tokens >= 1;
        if (allowed) {
            tokens -= 1;
        }
        return verdict(allowed, now);
    }

    /** How the bucket stands, without taking anything. */
    synchronized Verdict peek(long now) {
        refill(now);
        return verdict(tokens >= 1, now);
    }

    synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= capacity;
    }

    private void refill(long now) {
        if (now > lastRefill) {
            tokens = Math.min(capacity, tokens + (now - lastRefill) * tokensPerNano);
            lastRefill = now;
        }
    }

    private Verdict verdict(boolean allowed, long now) {
        long nanosUntilFull = (long) Math.ceil((capacity - tokens) / tokensPerNano);
        long nanosUntilNext = tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
        return new Verdict(allowed, capacity, (long) Math.floor(tokens), nanosUntilFull, nanosUntilNext);
    }

    /**
     * @param allowed         whether the request may proceed
     * @param limit           the bucket's capacity
     * @param remaining       whole tokens left
     * @param nanosUntilFull  until the bucket is full again ({@code X-RateLimit-Reset})
     * @param nanosUntilNext  until the next token ({@code Retry-After} on a 429)
     */
    record Verdict(boolean allowed, long limit, long remaining, long nanosUntilFull, long nanosUntilNext) {
    }
}
