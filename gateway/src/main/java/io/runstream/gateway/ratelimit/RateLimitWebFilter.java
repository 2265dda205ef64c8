package io.runstream.gateway.ratelimit;

import io.runstream.gateway.security.ApiKeyAuthentication;
import io.runstream.platform.web.Problems;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Counts every request that passed authentication against the caller's buckets (per user or API
 * key, and per tenant; per client address for anonymous calls), answers
 * {@code X-RateLimit-Limit/Remaining/Reset} (reset in epoch seconds: when the bucket is full again)
 * and refuses with a 429 problem and {@code Retry-After} when a bucket is empty. Requests refused
 * with 401 are counted against their address by the security entry point ({@link AnonymousRateLimit}).
 */
class RateLimitWebFilter implements WebFilter, AnonymousRateLimit, Ordered {

    static final String LIMIT = "X-RateLimit-Limit";
    static final String REMAINING = "X-RateLimit-Remaining";
    static final String RESET = "X-RateLimit-Reset";

    private final RateLimiter limiter;
    private final Clock clock;

    RateLimitWebFilter(RateLimiter limiter, Clock clock) {
        this.limiter = limiter;
        this.clock = clock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(SecurityContext::getAuthentication)
                .map(auth -> limiter.take(principal(auth), tenant(auth), address(exchange)))
                .switchIfEmpty(Mono.fromSupplier(() -> limiter.take(null, null, address(exchange))))
                .flatMap(verdict -> answer(exchange, verdict))
                .then(Mono.defer(() -> chain.filter(exchange)));
    }

    @Override
    public Mono<Void> count(ServerWebExchange exchange) {
        return Mono.fromSupplier(() -> limiter.take(null, null, address(exchange))).flatMap(verdict -> answer(exchange, verdict));
    }

    private Mono<Void> answer(ServerWebExchange exchange, TokenBucket.Verdict verdict) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set(LIMIT, Long.toString(verdict.limit()));
        headers.set(REMAINING, Long.toString(verdict.remaining()));
        long resetMillis = clock.millis() + TimeUnit.NANOSECONDS.toMillis(verdict.nanosUntilFull());
        headers.set(RESET, Long.toString((resetMillis + 999) / 1000));
        if (verdict.allowed()) {
            return Mono.empty();
        }
        long retryAfter = Math.max(1, (TimeUnit.NANOSECONDS.toMillis(verdict.nanosUntilNext()) + 999) / 1000);
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        return Mono.error(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too Many Requests",
                "The rate limit of " + verdict.limit() + " requests is exhausted; retry in " + retryAfter + " s"));
    }

    static String principal(Authentication auth) {
        if (auth instanceof ApiKeyAuthentication key) {
            return "key:" + key.keyFingerprint();
        }
        if (auth instanceof JwtAuthenticationToken jwt) {
            return "user:" + jwt.getToken().getSubject();
        }
        return null;
    }

    static String tenant(Authentication auth) {
        return auth instanceof JwtAuthenticationToken jwt ? jwt.getToken().getClaimAsString("tenant") : null;
    }

    static String address(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** After Spring Security's chain (-100), so the caller is known. */
    @Override
    public int getOrder() {
        return 0;
    }
}
