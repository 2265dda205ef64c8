package io.runstream.gateway.routing;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import io.runstream.platform.web.ProblemExceptionHandler;
import io.runstream.platform.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Turns what can go wrong between the gateway and a service into problems the platform's
 * {@link ProblemExceptionHandler} renders: a service that refuses connections or whose circuit is
 * open answers 503, one that is too slow 504, one that drops the connection 502, and a path that no
 * route serves 404. Anything else is left to the platform handler.
 */
class UpstreamProblems implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(UpstreamProblems.class);

    private final ProblemExceptionHandler problems;

    UpstreamProblems(ProblemExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String service = route == null ? null : ServiceNames.ofRoute(route.getId());
        Throwable translated = translate(ex, service, exchange);
        if (translated == ex) {
            return Mono.error(ex);
        }
        if (service != null) {
            log.warn("{} {} -> {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), service, ex.toString());
        }
        return problems.handle(exchange, translated);
    }

    private Throwable translate(Throwable ex, String service, ServerWebExchange exchange) {
        if (ex instanceof AuthenticationServiceException) {
            return ex; // a token that could not be checked (the key set unreachable): the platform handler says so
        }
        String who = service == null ? "The service" : "The " + service;
        if (causedBy(ex, ConnectException.class) || causedBy(ex, ConnectTimeoutException.class)
                || causedBy(ex, CallNotPermittedException.class) || ex instanceof ServiceUnavailableException) {
            return withService(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service Unavailable",
                    who + " is not reachable right now; try again shortly"), service);
        }
        if (causedBy(ex, TimeoutException.class)
                || (ex instanceof ResponseStatusException status && status.getStatusCode().value() == 504)) {
            return withService(Problems.of(HttpStatus.GATEWAY_TIMEOUT, "upstream-timeout", "Gateway Timeout",
                    who + " did not answer in time"), service);
        }
        if (causedBy(ex, PrematureCloseException.class)) {
            return withService(Problems.of(HttpStatus.BAD_GATEWAY, "bad-gateway", "Bad Gateway",
                    who + " closed the connection before answering"), service);
        }
        if (service == null && ex instanceof ResponseStatusException status && status.getStatusCode().value() == 404) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not Found",
                    "No resource at '" + exchange.getRequest().getPath().value() + "'");
        }
        return ex;
    }

    private static Throwable withService(org.springframework.web.ErrorResponseException problem, String service) {
        return service == null ? problem : Problems.with(problem, Map.of("service", service));
    }

    private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
