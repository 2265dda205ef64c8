package io.runstream.auth.token;

import reactor.core.publisher.Mono;

/**
 * Opaque, rotating refresh tokens stored as SHA-256 digests. Spending a token yields the next one
 * of the same family; presenting a spent (or revoked) token revokes the whole family.
 */
public interface RefreshTokens {

    /** Starts a new family (a login) and returns its first raw token. */
    Mono<String> start(long userId, String tenant);

    /** Spends {@code rawToken} and returns the next token of its family, or a 401 problem. */
    Mono<Rotated> rotate(String rawToken);

    /** Revokes the family of {@code rawToken} if it belongs to {@code userId}; false when no such token. */
    Mono<Boolean> revoke(String rawToken, long userId);

    /** Revokes every refresh token of the user (password change, deactivation). */
    Mono<Long> revokeAll(long userId);

    record Rotated(long userId, String tenant, String refreshToken) {
    }
}
