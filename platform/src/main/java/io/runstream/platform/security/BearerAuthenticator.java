package io.runstream.platform.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;

/**
 * The services' bearer-token check: the security filter chain authenticates with it, and so can an endpoint that
 * is served ahead of that chain (job-service's event streams, which must not hold the chain's reactive pipeline
 * open for as long as a stream lasts). One decoder, one token cache and one set of authorities for both.
 */
public final class BearerAuthenticator {

    private final JwtReactiveAuthenticationManager manager;

    /** @param decoder the decoder every request's token goes through (the caching one) */
    public BearerAuthenticator(ReactiveJwtDecoder decoder) {
        this.manager = new JwtReactiveAuthenticationManager(decoder);
        this.manager.setJwtAuthenticationConverter(PlatformSecurityConfiguration::authentication);
    }

    ReactiveAuthenticationManager manager() {
        return manager;
    }

    /**
     * The request's caller. Fails with an {@code AuthenticationException} when the token is missing, malformed,
     * forged, expired or for another issuer or audience (the platform's problem handler answers 401), and with
     * an {@code AuthenticationServiceException} when the keys to check it cannot be fetched (503).
     */
    public Mono<Caller> authenticate(ServerHttpRequest request) {
        String token;
        try {
            token = BearerTokenConverter.token(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        } catch (OAuth2AuthenticationException malformed) {
            return Mono.error(malformed);
        }
        if (token == null) {
            return Mono.error(new AuthenticationCredentialsNotFoundException("A bearer token is required"));
        }
        return manager.authenticate(new BearerTokenAuthenticationToken(token))
                .map(authentication -> Caller.from(((JwtAuthenticationToken) authentication).getToken()));
    }
}
