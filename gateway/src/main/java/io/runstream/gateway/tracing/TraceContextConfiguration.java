package io.runstream.gateway.tracing;

import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Trace context for the proxied call; see {@link TraceContextHeaders}. */
@Configuration(proxyBeanMethods = false)
class TraceContextConfiguration {

    /** Without tracing (no propagator) the filter is a pass-through. */
    @Bean
    TraceContextHeaders traceContextHeaders(ObjectProvider<Propagator> propagator) {
        return new TraceContextHeaders(propagator.getIfAvailable(() -> Propagator.NOOP));
    }
}
