package io.runstream.gateway.routing;

import io.runstream.platform.web.Problems;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses paths with dot segments or encoded slashes before anything routes them: a path such as
 * {@code /api/v1/runs/../../internal/v1/...} would match a public route here and could reach a
 * service's internal endpoints once the service normalises it.
 */
class PathGuard implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        for (PathContainer.Element element : exchange.getRequest().getPath().elements()) {
            if (element instanceof PathContainer.PathSegment segment && suspicious(segment)) {
                return Mono.error(Problems.badRequest("The path must not contain '.' or '..' segments or encoded separators"));
            }
        }
        return chain.filter(exchange);
    }

    private static boolean suspicious(PathContainer.PathSegment segment) {
        String decoded = segment.valueToMatch();
        return decoded.equals(".") || decoded.equals("..") || decoded.contains("/") || decoded.contains("\\");
    }

    /** Right after the request id is set, so the 400 carries it. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
