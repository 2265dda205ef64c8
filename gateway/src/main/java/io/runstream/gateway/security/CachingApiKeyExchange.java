package io.runstream.gateway.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.runstream.gateway.GatewayProperties;
import io.runstream.platform.security.ServiceTokens;
import io.runstream.platform.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Asks auth-service ({@code POST /internal/v1/api-keys/exchange} with the key in {@code X-API-KEY},
 * authenticated with the gateway's own service token)
 * and keeps the answer — the decoded token, or the refusal — for at most {@code cache-ttl}, counted
 * from when the question was asked. A revoked key therefore stops working within that time. Only
 * the key's SHA-256 is kept. Concurrent requests with the same key share one call.
 */
class CachingApiKeyExchange implements ApiKeyExchange {

    static final String API_KEY_HEADER = "X-API-KEY";
    private static final int SWEEP_THRESHOLD = 10_000;

    private final WebClient http;
    private final URI exchangeUri;
    private final ReactiveJwtDecoder decoder;
    private final ServiceTokens serviceTokens;
    private final long ttlNanos;
    private final Duration timeout;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    CachingApiKeyExchange(WebClient http, GatewayProperties properties, ReactiveJwtDecoder decoder,
                          ServiceTokens serviceTokens, LongSupplier nanoClock) {
        this.serviceTokens = serviceTokens;
        this.http = http;
        this.exchangeUri = properties.services().auth().resolve(properties.apiKeys().exchangePath());
        this.decoder = decoder;
        this.ttlNanos = properties.apiKeys().cacheTtl().toNanos();
        this.timeout = properties.apiKeys().timeout();
        this.nanoClock = nanoClock;
    }

    @Override
    public Mono<Jwt> exchange(String apiKey) {
        return Mono.defer(() -> {
            String id = fingerprint(apiKey);
            long now = nanoClock.getAsLong();
            Entry known = cache.get(id);
            if (known != null && now - known.askedAt() < ttlNanos) {
                return known.answer();
            }
            Entry fresh = new Entry(ask(apiKey).cache(), now);
            cache.put(id, fresh);
            sweep(now);
            // a refusal is an answer worth caching; an outage of auth-service is not
            return fresh.answer().doOnError(error -> {
                if (!(error instanceof InvalidApiKeyException)) {
                    cache.remove(id, fresh);
                }
            });
        });
    }

    private Mono<Jwt> ask(String apiKey) {
        // auth-service answers only services: the gateway authenticates with its own service token
        return serviceTokens.token()
                .flatMap(serviceToken -> http.post().uri(exchangeUri).header(API_KEY_HEADER, apiKey)
                        .headers(headers -> headers.setBearerAuth(serviceToken))
                        .retrieve()
                        .bodyToMono(ExchangedToken.class))
                .timeout(timeout)
                // 401 is auth-service's "no such key (any more)"; anything else (403: the gateway is not accepted as a
                // service, 5xx) is a fault on our side and must not look like the client's
                .onErrorMap(WebClientResponseException.class, error -> error.getStatusCode().value() == 401
                        ? new InvalidApiKeyException() : unavailable())
                .onErrorMap(error -> !(error instanceof InvalidApiKeyException), error -> unavailable())
                .flatMap(token -> token.accessToken() == null ? Mono.error(unavailable())
                        // a token auth-service just issued that does not validate here is a configuration fault
                        : decoder.decode(token.accessToken()).onErrorMap(error -> unavailable()));
    }

    private static RuntimeException unavailable() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                "API keys cannot be checked right now; try again shortly");
    }

    private void sweep(long now) {
        if (cache.size() > SWEEP_THRESHOLD) {
            cache.values().removeIf(entry -> now - entry.askedAt() >= ttlNanos);
        }
    }

    static String fingerprint(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private record Entry(Mono<Jwt> answer, long askedAt) {
    }

    /** auth-service's answer; the wire is snake_case ({@code access_token}, {@code expires_in}). */
    record ExchangedToken(@JsonProperty("access_token") String accessToken, @JsonProperty("expires_in") Long expiresIn) {
    }
}
