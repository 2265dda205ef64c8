package io.runstream.platform.security;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers bearer tokens the platform's decoder has accepted, so that a client sending the same
 * token again is not charged a second RSA signature check and JSON parse: the check of one exact
 * token string always has the same outcome (with the same keys), and the token's time claims are the only part that can
 * change its verdict. A remembered token is accepted until {@code cache-ttl} after it was verified,
 * and never after its {@code exp}; after that it is verified again from scratch. Refusals are not
 * remembered (a forged or expired token is checked every time, and counts against its address's
 * anonymous rate limit at the gateway). At most {@code max-entries} tokens are held; beyond that new ones
 * are verified on every request. Every service and the gateway use it ({@code runstream.security.token-cache.*}):
 * without it each request paid for rebuilding the RSA key, the signature check and the claims parse.
 */
public final class CachingJwtDecoder implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder delegate;
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private volatile Instant nextPurge = Instant.MIN;

    public CachingJwtDecoder(ReactiveJwtDecoder delegate, Duration ttl, int maxEntries, Clock clock) {
        this.delegate = delegate;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The decoder itself when caching is switched off (a zero or negative ttl, or no entries). */
    public static ReactiveJwtDecoder wrap(ReactiveJwtDecoder delegate, Duration ttl, int maxEntries) {
        if (ttl.isZero() || ttl.isNegative() || maxEntries <= 0) {
            return delegate;
        }
        return new CachingJwtDecoder(delegate, ttl, maxEntries, Clock.systemUTC());
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        Verified known = verified.get(token);
        if (known != null) {
            if (clock.instant().isBefore(known.until())) {
                return Mono.just(known.jwt());
            }
            verified.remove(token, known);
        }
        return delegate.decode(token).doOnNext(jwt -> remember(token, jwt));
    }

    private void remember(String token, Jwt jwt) {
        Instant now = clock.instant();
        Instant until = now.plus(ttl);
        if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
            until = jwt.getExpiresAt();
        }
        if (!now.isBefore(until)) {
            return;
        }
        if (verified.size() >= maxEntries) {
            purge(now);
            if (verified.size() >= maxEntries) {
                return;
            }
        }
        verified.put(token, new Verified(jwt, until));
    }

    /** Drops lapsed entries, at most once a second: with a full map of live tokens this would otherwise run per request. */
    private void purge(Instant now) {
        if (now.isBefore(nextPurge)) {
            return;
        }
        nextPurge = now.plusSeconds(1);
        verified.values().removeIf(entry -> !now.isBefore(entry.until()));
    }

    int size() {
        return verified.size();
    }

    private record Verified(Jwt jwt, Instant until) {
    }
}
