package io.runstream.platform.outbox;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.runstream.platform.web.RequestId;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Captures the W3C trace context and request id of the work that produced an event, so that the
 * relay can put them in the Kafka record's headers and the trace continues in the consumers.
 */
class TraceHeaders {

    private final Tracer tracer;
    private final Propagator propagator;

    TraceHeaders(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * The span of the request (or listener) doing the work. In a reactive chain it lives in the
     * Reactor context with its observation; the thread-local is a fallback for imperative callers.
     */
    private Span currentSpan(ContextView context) {
        Span fromContext = context.<Observation>getOrEmpty(ObservationThreadLocalAccessor.KEY)
                .map(observation -> observation.getContextView()
                        .<TracingObservationHandler.TracingContext>get(TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .orElse(null);
        if (fromContext != null) {
            return fromContext;
        }
        return tracer == null ? null : tracer.currentSpan();
    }

    Mono<Map<String, String>> current() {
        return Mono.deferContextual(context -> {
            Map<String, String> headers = new LinkedHashMap<>();
            Span span = currentSpan(context);
            if (span != null && propagator != null) {
                propagator.inject(span.context(), headers, Map::put);
            }
            context.<String>getOrEmpty(RequestId.CONTEXT_KEY).ifPresent(id -> headers.put(RequestId.HEADER, id));
            return Mono.just(headers);
        });
    }
}
