package io.runstream.gateway.tracing;

import io.micrometer.tracing.exporter.SpanReporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * Sampled spans are only handed to an export queue when something would receive them. Boot always wires a
 * {@link BatchSpanProcessor}; with no {@link SpanExporter} and no {@link SpanReporter} its worker still copied
 * every ended span (attributes and all, through micrometer's span filters) to export it nowhere: a tenth of
 * the gateway's allocation per proxied request at 10 % sampling. Sampling itself is unchanged: the decision
 * travels in {@code traceparent} and the services follow it. Add an exporter (OTLP, Zipkin) and its batch
 * processor is used as before.
 */
@Configuration(proxyBeanMethods = false)
class SpanExportConfiguration {

    /** Replaces Boot's {@code spanProcessors} bean (same rule, {@code @ConditionalOnMissingBean} there). */
    @Bean
    SpanProcessors spanProcessors(ObjectProvider<SpanProcessor> processors, ObjectProvider<SpanExporter> exporters,
                                  ObjectProvider<SpanReporter> reporters) {
        boolean exporting = exporters.orderedStream().findAny().isPresent() || reporters.orderedStream().findAny().isPresent();
        return SpanProcessors.of(processors.orderedStream()
                .filter(processor -> exporting || !(processor instanceof BatchSpanProcessor))
                .toList());
    }

}
