package io.runstream.platform.web;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Takes the caller's {@code X-Request-Id} (the gateway always sets one) or makes one, echoes it on
 * the response, and puts it in the Reactor context so that problems and outbox events carry it.
 */
public class RequestIdWebFilter implements WebFilter, Ordered {

    /** A client may choose its id, within reason: it ends up in logs and headers. */
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String offered = exchange.getRequest().getHeaders().getFirst(RequestId.HEADER);
        String id = offered != null && ACCEPTABLE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        exchange.getAttributes().put(RequestId.CONTEXT_KEY, id);
        exchange.getResponse().getHeaders().set(RequestId.HEADER, id);
        return chain.filter(exchange).contextWrite(context -> context.put(RequestId.CONTEXT_KEY, id));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
