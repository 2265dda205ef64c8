package io.runstream.platform.outbox;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.runstream.platform.web.RequestId;
import reactor.core.publisher.Mono;

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

    Mono<Map<String, String>> current() {
        return Mono.deferContextual(context -> {
            Map<String, String> headers = new LinkedHashMap<>();
            if (tracer != null && propagator != null) {
                var span = tracer.currentSpan();
                if (span != null) {
                    propagator.inject(span.context(), headers, Map::put);
                }
            }
            context.<String>getOrEmpty(RequestId.CONTEXT_KEY).ifPresent(id -> headers.put(RequestId.HEADER, id));
            return Mono.just(headers);
        });
    }
}
