package io.runstream.gateway.security;

import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;

/**
 * Trades an API key for the access token auth-service issues on its behalf. Signals
 * {@link InvalidApiKeyException} when auth-service refuses the key.
 */
public interface ApiKeyExchange {

    Mono<Jwt> exchange(String apiKey);
}
