package io.runstream.platform.security;

import reactor.core.publisher.Mono;

/**
 * This service's own access token, for calls to other services' internal endpoints when no user
 * token is at hand (e.g. while executing a run consumed from Kafka). The token carries role
 * {@code service} and tenant {@code system}; internal endpoints take the tenant explicitly.
 */
public interface ServiceTokens {

    String SERVICE_ROLE = "service";
    String SYSTEM_TENANT = "system";

    /** A valid bearer token (cached until shortly before it expires). */
    Mono<String> token();

    /** Whether {@code caller} is another Runstream service. */
    static boolean isService(Caller caller) {
        return caller.roles().contains(SERVICE_ROLE);
    }
}
