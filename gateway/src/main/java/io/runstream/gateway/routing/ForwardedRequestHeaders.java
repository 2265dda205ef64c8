package io.runstream.gateway.routing;

import io.runstream.platform.web.RequestId;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shapes the headers a service receives: identity headers a client made up are dropped (only the
 * token says who the caller is), and the request id the gateway chose travels on.
 *
 * <p>A header filter of the proxied call, not a {@code GlobalFilter} that rebuilds the exchange: Spring Cloud
 * Gateway's own header filters (hop-by-hop, {@code X-Forwarded-*}) already copy the request's headers for the
 * call, and this one, last, edits that copy in place instead of copying every header once more.
 */
class ForwardedRequestHeaders implements HttpHeadersFilter, Ordered {

    /** Headers some proxies use to assert identity; a client must never be able to set them. */
    static final List<String> IDENTITY_HEADERS = List.of("x-user-id", "x-user", "x-username", "x-tenant", "x-tenant-id",
            "x-roles", "x-permissions", "x-scopes", "x-forwarded-user", "x-remote-user");
    static final String IDENTITY_PREFIX = "x-authenticated-";

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        String requestId = RequestId.of(exchange);
        List<String> identity = identityHeaders(input);
        boolean setId = requestId != null && !requestId.equals(input.getFirst(RequestId.HEADER));
        if (identity.isEmpty() && !setId) {
            return input;
        }
        HttpHeaders headers = writable(input, exchange);
        identity.forEach(headers::remove);
        if (setId) {
            headers.set(RequestId.HEADER, requestId);
        }
        return headers;
    }

    static List<String> identityHeaders(HttpHeaders headers) {
        List<String> names = List.of();
        for (String name : headers.headerNames()) {
            if (isIdentity(name)) {
                if (names.isEmpty()) {
                    names = new ArrayList<>();
                }
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isIdentity(String name) {
        if (name.length() < 6 || (name.charAt(0) != 'x' && name.charAt(0) != 'X')) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return IDENTITY_HEADERS.contains(lower) || lower.startsWith(IDENTITY_PREFIX);
    }

    /**
     * The headers a header filter may edit: the request's own are read-only, so they are copied; what an earlier
     * header filter returned is its fresh copy already, edited in place.
     */
    static HttpHeaders writable(HttpHeaders input, ServerWebExchange exchange) {
        return input == exchange.getRequest().getHeaders() ? HttpHeaders.copyOf(input) : input;
    }

    /** After Spring Cloud Gateway's header filters (hop-by-hop removal is the last ordered one), so nothing adds an identity header back. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
