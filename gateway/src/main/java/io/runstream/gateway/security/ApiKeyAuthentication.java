package io.runstream.gateway.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.Collection;

/**
 * A caller identified by an API key: the token auth-service issued for the key, and a fingerprint of
 * the key itself so that rate limits apply per key, not per user.
 */
public class ApiKeyAuthentication extends JwtAuthenticationToken {

    private final String keyFingerprint;

    ApiKeyAuthentication(Jwt jwt, Collection<? extends GrantedAuthority> authorities, String name, String keyFingerprint) {
        super(jwt, authorities, name);
        this.keyFingerprint = keyFingerprint;
    }

    /** The first 16 hex digits of the key's SHA-256. */
    public String keyFingerprint() {
        return keyFingerprint;
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && other instanceof ApiKeyAuthentication key && key.keyFingerprint.equals(keyFingerprint);
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + keyFingerprint.hashCode();
    }
}
