package io.runstream.platform.web;

import org.springframework.web.server.ServerWebExchange;

/** The request id every request carries end to end ({@code X-Request-Id}). */
public final class RequestId {

    public static final String HEADER = "X-Request-Id";
    /** Exchange attribute and Reactor context key under which the id is kept. */
    public static final String CONTEXT_KEY = "runstream.requestId";

    private RequestId() {
    }

    public static String of(ServerWebExchange exchange) {
        Object id = exchange.getAttribute(CONTEXT_KEY);
        return id == null ? exchange.getRequest().getHeaders().getFirst(HEADER) : id.toString();
    }
}
