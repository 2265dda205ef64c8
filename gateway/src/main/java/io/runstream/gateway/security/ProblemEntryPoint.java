package io.runstream.gateway.security;

import io.runstream.gateway.ratelimit.AnonymousRateLimit;
import io.runstream.platform.web.ProblemExceptionHandler;
import io.runstream.platform.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 at the edge is a problem like every other error, with a detail that says which credential failed. */
class ProblemEntryPoint implements ServerAuthenticationEntryPoint {

    private final ProblemExceptionHandler problems;
    private final AnonymousRateLimit rateLimit;

    ProblemEntryPoint(ProblemExceptionHandler problems, AnonymousRateLimit rateLimit) {
        this.problems = problems;
        this.rateLimit = rateLimit;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        String detail;
        if (ex instanceof InvalidApiKeyException) {
            detail = ex.getMessage();
        } else if (exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
            detail = "The access token is invalid, expired or not meant for this API";
        } else {
            detail = "A valid access token (Authorization: Bearer) or API key (X-API-KEY) is required";
        }
        // an unknown caller still counts against its address (and gets the rate-limit headers): guessing tokens or keys is throttled
        return rateLimit.count(exchange)
                .then(Mono.defer(() -> problems.handle(exchange,
                        Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail))))
                .onErrorResume(ErrorResponseException.class, limited -> problems.handle(exchange, limited));
    }
}
