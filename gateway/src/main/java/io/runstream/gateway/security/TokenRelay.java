package io.runstream.gateway.security;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A caller who came with an API key reaches the service with the token auth-service issued for the
 * key, as {@code Authorization: Bearer ...}; the key itself goes no further. Bearer callers' tokens
 * travel on unchanged.
 */
class TokenRelay implements GlobalFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(SecurityContext::getAuthentication)
                .filter(ApiKeyAuthentication.class::isInstance)
                .map(auth -> exchange.mutate().request(request -> request.headers(headers -> {
                    headers.remove(CachingApiKeyExchange.API_KEY_HEADER);
                    headers.setBearerAuth(((ApiKeyAuthentication) auth).getToken().getTokenValue());
                })).build())
                .defaultIfEmpty(exchange)
                .flatMap(chain::filter);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 200;
    }
}
