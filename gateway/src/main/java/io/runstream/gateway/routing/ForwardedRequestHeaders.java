package io.runstream.gateway.routing;

import io.runstream.platform.web.RequestId;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Locale;

/**
 * Shapes the request a service receives: identity headers a client made up are dropped (only the
 * token says who the caller is), and the request id the gateway chose travels on.
 */
class ForwardedRequestHeaders implements GlobalFilter, Ordered {

    /** Headers some proxies use to assert identity; a client must never be able to set them. */
    static final List<String> IDENTITY_HEADERS = List.of("x-user-id", "x-user", "x-username", "x-tenant", "x-tenant-id",
            "x-roles", "x-permissions", "x-scopes", "x-forwarded-user", "x-remote-user");
    static final String IDENTITY_PREFIX = "x-authenticated-";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String requestId = RequestId.of(exchange);
        ServerHttpRequest request = exchange.getRequest().mutate().headers(headers -> {
            stripIdentity(headers);
            if (requestId != null) {
                headers.set(RequestId.HEADER, requestId);
            }
        }).build();
        return chain.filter(exchange.mutate().request(request).build());
    }

    static void stripIdentity(HttpHeaders headers) {
        List<String> names = headers.headerNames().stream()
                .filter(name -> {
                    String lower = name.toLowerCase(Locale.ROOT);
                    return IDENTITY_HEADERS.contains(lower) || lower.startsWith(IDENTITY_PREFIX);
                })
                .toList();
        names.forEach(headers::remove);
    }

    /** Early, so that later filters (token relay) may add what they need. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
