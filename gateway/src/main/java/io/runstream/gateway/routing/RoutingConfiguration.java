package io.runstream.gateway.routing;

import io.runstream.platform.web.ProblemExceptionHandler;
import org.springframework.cloud.gateway.filter.headers.observation.DefaultGatewayObservationConvention;
import org.springframework.cloud.gateway.filter.headers.observation.GatewayObservationConvention;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Routes themselves are in application.yml; these are the pieces around them. */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean
    ForwardedRequestHeaders forwardedRequestHeaders() {
        return new ForwardedRequestHeaders();
    }

    /**
     * The proxied call's observation under its own name: with Spring Cloud Gateway's default
     * ({@code http.client.requests}) its meter collides in Prometheus with WebClient's meter of the
     * same name and other tags, and one of them is dropped with a warning.
     */
    @Bean
    GatewayObservationConvention gatewayObservationConvention() {
        return new DefaultGatewayObservationConvention() {
            @Override
            public String getName() {
                return "gateway.proxy.requests";
            }
        };
    }

    @Bean
    PathGuard pathGuard() {
        return new PathGuard();
    }

    /** Just before the platform's problem handler (-2), which renders what this one translates. */
    @Bean
    @Order(-3)
    UpstreamProblems upstreamProblems(ProblemExceptionHandler problems) {
        return new UpstreamProblems(problems);
    }
}
