package io.runstream.gateway.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * {@code X-API-KEY} authentication: the converter picks the key up (unless a bearer token is also
 * present — the token wins), the manager trades it for auth-service's token.
 */
class ApiKeyAuthenticator implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

    private final ApiKeyExchange exchange;

    ApiKeyAuthenticator(ApiKeyExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange web) {
        HttpHeaders headers = web.getRequest().getHeaders();
        String key = headers.getFirst(CachingApiKeyExchange.API_KEY_HEADER);
        if (key == null || key.isBlank() || headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
            return Mono.empty();
        }
        return Mono.just(new ApiKeyCredentials(key.trim()));
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        String key = (String) authentication.getCredentials();
        return exchange.exchange(key).map(jwt -> authenticated(jwt, key));
    }

    private static Authentication authenticated(Jwt jwt, String key) {
        return new ApiKeyAuthentication(jwt, EdgeSecurityConfiguration.permissions(jwt), jwt.getSubject(),
                CachingApiKeyExchange.fingerprint(key).substring(0, 16));
    }

    /** The key as presented, before it is checked. */
    static final class ApiKeyCredentials extends org.springframework.security.authentication.AbstractAuthenticationToken {

        private final String key;

        ApiKeyCredentials(String key) {
            super(List.of());
            this.key = key;
        }

        @Override
        public Object getCredentials() {
            return key;
        }

        @Override
        public Object getPrincipal() {
            return "api-key";
        }
    }
}
