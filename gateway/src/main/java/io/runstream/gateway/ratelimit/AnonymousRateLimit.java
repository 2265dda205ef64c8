package io.runstream.gateway.ratelimit;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** For requests refused before the caller is known (401): they count against their client address's bucket too. */
public interface AnonymousRateLimit {

    /** Takes a token from the address's bucket and sets the {@code X-RateLimit-*} headers; a 429 problem when it is empty. */
    Mono<Void> count(ServerWebExchange exchange);
}
