package io.runstream.gateway.routing;

import io.micrometer.tracing.propagation.Propagator;
import io.runstream.platform.web.ProblemExceptionHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
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

    /** Without tracing (no propagator) the filter is a pass-through. */
    @Bean
    TraceContextHeaders traceContextHeaders(ObjectProvider<Propagator> propagator) {
        return new TraceContextHeaders(propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    /** Replaces Boot's convention for WebFlux server requests (same name, one more tag: the route). */
    @Bean
    RouteTaggedServerRequests routeTaggedServerRequests(ObservationProperties observations) {
        return new RouteTaggedServerRequests(observations.getHttp().getServer().getRequests().getName());
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
