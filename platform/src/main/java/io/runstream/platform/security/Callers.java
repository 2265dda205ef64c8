package io.runstream.platform.security;

import io.runstream.platform.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/** The current caller from the reactive security context. */
public final class Callers {

    private Callers() {
    }

    /** The caller, or a 401 problem when the request carries no valid token. */
    public static Mono<Caller> current() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> Caller.from(((JwtAuthenticationToken) auth).getToken()))
                .switchIfEmpty(Mono.error(() -> Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                        "A valid access token is required")));
    }

    /** The caller if they hold {@code permission}, else a 403 problem naming it. */
    public static Mono<Caller> requiring(String permission) {
        return current().flatMap(caller -> caller.can(permission) ? Mono.just(caller)
                : Mono.error(Problems.forbidden("This operation needs the permission '" + permission + "'")));
    }
}
