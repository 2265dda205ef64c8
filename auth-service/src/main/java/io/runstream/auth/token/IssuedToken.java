package io.runstream.auth.token;

import java.time.Instant;

/** A signed access token and when it stops being valid. */
public record IssuedToken(String token, String jti, Instant expiresAt, long expiresIn) {
}
