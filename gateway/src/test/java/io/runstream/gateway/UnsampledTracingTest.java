package io.runstream.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.runstream.gateway.support.StubServices;
import io.runstream.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.cloud.gateway.filter.WeightCalculatorWebFilter;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace sampling switched off entirely: the services still receive a W3C {@code traceparent} (marked not
 * sampled), and a caller's sampled trace is still continued and recorded (the sampler follows the parent).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.tracing.sampling.probability=0")
@AutoConfigureWebTestClient(timeout = "30s")
class UnsampledTracingTest {

    static final StubServices STUBS = StubServices.shared();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        STUBS.registerAll(registry);
    }

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    WebTestClient web;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ApplicationContext context;

    @SuppressWarnings("unchecked")
    private String forwardedTraceparent(String callerTraceparent) {
        var request = web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer());
        if (callerTraceparent != null) {
            request = request.header("traceparent", callerTraceparent);
        }
        Map<String, Object> echo = request.exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        return ((Map<String, String>) echo.get("headers")).get("traceparent");
    }

    @Test
    void anUnsampledTrace_stillReachesTheService() {
        assertThat(forwardedTraceparent(null)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    }

    @Test
    void aCallersSampledTrace_isContinuedAndStaysSampled() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String forwarded = forwardedTraceparent("00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(forwarded).matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void onlyTheRequestIsObserved_taggedWithItsRoute() {
        forwardedTraceparent(null);
        assertThat(meters.getMeters()).noneMatch(meter -> meter.getId().getName().startsWith("spring.security."));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(meters.find("http.server.requests").tag("route", "job").timers()).isNotEmpty());
        // the proxied call has no observation of its own (Spring Cloud Gateway's carries its route id)
        assertThat(meters.getMeters()).noneMatch(meter -> meter.getId().getTag("spring.cloud.gateway.route.id") != null);
    }

    @Test
    void withoutAnExporter_endedSpansAreNotQueuedForExport() {
        assertThat(context.getBeansOfType(io.opentelemetry.sdk.trace.export.SpanExporter.class)).isEmpty();
        assertThat(context.getBean(SpanProcessors.class).list()).noneMatch(BatchSpanProcessor.class::isInstance);
        // a caller's sampled trace is still continued and propagated (aCallersSampledTrace_isContinuedAndStaysSampled)
    }

    @Test
    void noUnusedWebFilterRunsPerRequest() {
        assertThat(context.getBeansOfType(WeightCalculatorWebFilter.class)).isEmpty();
    }
}
