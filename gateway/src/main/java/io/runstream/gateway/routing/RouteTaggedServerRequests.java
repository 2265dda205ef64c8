package io.runstream.gateway.routing;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * The gateway's {@code http.server.requests} observation tagged with the route that served the request
 * ({@code route="job"}, {@code route="none"} for the gateway's own endpoints and unrouted paths): per-route
 * latency and error rates from the one observation every request has anyway, instead of a second
 * observation (and timer) of the proxied call.
 */
class RouteTaggedServerRequests extends DefaultServerRequestObservationConvention {

    static final String ROUTE = "route";
    private static final KeyValue NO_ROUTE = KeyValue.of(ROUTE, "none");

    RouteTaggedServerRequests(String name) {
        super(name);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
        return super.getLowCardinalityKeyValues(context).and(route(context));
    }

    private static KeyValue route(ServerRequestObservationContext context) {
        return context.getAttributes().get(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR) instanceof Route route
                ? KeyValue.of(ROUTE, route.getId()) : NO_ROUTE;
    }
}
