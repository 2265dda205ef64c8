package io.runstream.auth.token;

import reactor.core.publisher.Mono;

import java.time.Duration;

/** Signs access tokens with the current signing key. */
public interface AccessTokens {

    Mono<IssuedToken> issue(TokenSubject subject, Duration ttl);
}
