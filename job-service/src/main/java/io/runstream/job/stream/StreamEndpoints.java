package io.runstream.job.stream;

import io.runstream.platform.event.EventTypes;
import io.runstream.platform.security.BearerAuthenticator;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.header.CompositeServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentTypeOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.security.web.server.header.StrictTransportSecurityServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XXssProtectionServerHttpHeadersWriter;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The two SSE endpoints — {@code GET /api/v1/events/runs} and {@code GET /api/v1/runs/{id}/logs?follow=true} —
 * served by a web filter ahead of Spring Security's filter chain and the handler mapping, with the same checks
 * those would make: the strict firewall, the bearer token through the platform's {@link BearerAuthenticator}
 * (same decoder, cache and authorities), the {@code runs:read} permission, Spring Security's response headers,
 * and errors as the platform's problems.
 *
 * <p>Why: a response's whole reactive pipeline lives as long as the response does, and for a stream that is
 * hours. Through the security chain, the dispatcher and the argument resolvers it held about 41 KB of heap per
 * open stream (a class histogram at 10,000 streams: 414 MB live, 11 KB of it Reactor operators alone), which at
 * 10,000 streams per replica left the old generation full and the collector in back-to-back full collections.
 * The streams also skip the {@code http.server.requests} observation: a
 * stream's duration says nothing about latency, and its open observation held more of that heap (see
 * {@code StreamConfiguration}).
 */
@Component
class StreamEndpoints implements WebFilter, Ordered {

    private static final Set<String> STREAMED = Set.of(EventTypes.RUN_CREATED, EventTypes.RUN_STARTED,
            EventTypes.RUN_PROGRESS, EventTypes.RUN_PAUSED, EventTypes.RUN_RESUMED, EventTypes.RUN_FINISHED,
            EventTypes.STEP_STARTED, EventTypes.STEP_FINISHED, EventTypes.RUN_OUTPUT, EventTypes.STEP_OUTPUT);
    private static final String PERMISSION = "runs:read";
    private static final PathPattern EVENTS = PathPatternParser.defaultInstance.parse("/api/v1/events/runs");
    private static final PathPattern LOGS = PathPatternParser.defaultInstance.parse("/api/v1/runs/{runId}/logs");
    /** Spring Security's default response headers (its cache-control writer leaves a set Cache-Control alone). */
    private static final ServerHttpHeadersWriter SECURITY_HEADERS = new CompositeServerHttpHeadersWriter(
            new ContentTypeOptionsServerHttpHeadersWriter(), new StrictTransportSecurityServerHttpHeadersWriter(),
            new XFrameOptionsServerHttpHeadersWriter(), new XXssProtectionServerHttpHeadersWriter());

    private final StreamService streams;
    private final RunLogs logs;
    private final BearerAuthenticator authenticator;
    private final ServerWebExchangeFirewall firewall;

    StreamEndpoints(StreamService streams, RunLogs logs, BearerAuthenticator authenticator,
                    ServerWebExchangeFirewall firewall) {
        this.streams = streams;
        this.logs = logs;
        this.authenticator = authenticator;
        this.firewall = firewall;
    }

    /** After the request id (the highest precedence), before Spring Security's chain (-100). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    static boolean isStream(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.GET) {
            return false;
        }
        PathContainer path = request.getPath().pathWithinApplication();
        return EVENTS.matches(path)
                || (LOGS.matches(path) && "true".equals(request.getQueryParams().getFirst("follow")));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (isStream(request)) {
            return stream(exchange);
        }
        if (request.getMethod() != HttpMethod.GET && EVENTS.matches(request.getPath().pathWithinApplication())) {
            // no controller maps this path (which would answer 405 for another method): say so here
            return Mono.error(new MethodNotAllowedException(request.getMethod(), Set.of(HttpMethod.GET)));
        }
        return chain.filter(exchange);
    }

    /** Errors go on to the platform's problem handler: 401 (with WWW-Authenticate), 403, 400, 503. */
    private Mono<Void> stream(ServerWebExchange exchange) {
        // the firewalled exchange checks each header as it is read: a rejection can come from anywhere below
        return firewall.getFirewalledExchange(exchange)
                .flatMap(checked -> authenticator.authenticate(checked.getRequest())
                        .flatMap(caller -> caller.can(PERMISSION) ? SECURITY_HEADERS.writeHttpHeaders(checked)
                                .then(Mono.defer(() -> SseFrames.write(checked.getResponse(), open(caller, checked))))
                                : Mono.error(new AccessDeniedException("runs:read is required"))))
                .onErrorMap(ServerExchangeRejectedException.class,
                        rejected -> Problems.badRequest("The request was rejected: " + rejected.getMessage()));
    }

    private Flux<DataBuffer> open(Caller caller, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpResponse response = exchange.getResponse();
        MultiValueMap<String, String> query = request.getQueryParams();
        String lastEventId = request.getHeaders().getFirst("Last-Event-ID");
        String cursor = lastEventId != null ? lastEventId : query.getFirst("last_event_id");
        PathPattern.PathMatchInfo logsOf = LOGS.matchAndExtract(request.getPath().pathWithinApplication());
        if (logsOf != null) {
            return logs.follow(caller, logsOf.getUriVariables().get("runId"), Params.instant("since", query.getFirst("since")),
                    offset(query.getFirst("offset")), Params.split(query.get("level")), cursor, response);
        }
        Set<String> wanted = new HashSet<>(STREAMED);
        List<String> types = Params.split(query.get("types"));
        if (types != null) {
            wanted.retainAll(types);
        }
        var filter = new StreamFilter(blank(query.getFirst("run_id")), blank(query.getFirst("job_id")), wanted,
                Params.split(query.get("status")), Params.split(query.get("tags")));
        return streams.open(caller, StreamService.Kind.EVENTS, filter, cursor, null, null, null, response);
    }

    private static Long offset(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw Problems.invalidFields("Parameter 'offset' is missing or invalid",
                    List.of(new Problems.FieldError("offset", "must be a whole number")));
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
