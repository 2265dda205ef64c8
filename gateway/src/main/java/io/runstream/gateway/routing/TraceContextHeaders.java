package io.runstream.gateway.routing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends the trace context of the gateway's own server span ({@code http.server.requests}) on to the
 * service: {@code traceparent} (flag {@code 00} when not sampled), so the service's spans join the
 * caller's trace and follow the gateway's sampling decision.
 *
 * <p>This replaces Spring Cloud Gateway's client observation of the proxied call, which did the same
 * injection from a second span of its own, with its own timer and a copy of every request header: about
 * a tenth of the gateway's CPU per proxied request for a span that only repeated the server span's
 * timing. A caller's {@code traceparent} is continued (the server span is its child), never passed on
 * verbatim.
 */
class TraceContextHeaders implements HttpHeadersFilter, Ordered {

    private final Propagator propagator;

    TraceContextHeaders(Propagator propagator) {
        this.propagator = propagator;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Span span = serverSpan(exchange);
        if (span == null) {
            return input;
        }
        HttpHeaders headers = ForwardedRequestHeaders.writable(input, exchange);
        propagator.inject(span.context(), headers, HttpHeaders::set);
        return headers;
    }

    private static Span serverSpan(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingContext>get(TracingContext.class))
                .map(TracingContext::getSpan)
                .orElse(null);
    }

    /** After Spring Cloud Gateway's header filters, which would otherwise be handed a copy they copy again. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }
}
