package io.runstream.auth.token;

import java.util.Map;
import java.util.Set;

/**
 * Whom an access token speaks for.
 *
 * @param subject     the {@code sub} claim: a user id, or {@code service:<name>} for services
 * @param username    {@code preferred_username}
 * @param tenant      the only tenant the bearer may act in
 * @param extraClaims further claims (e.g. {@code api_key_id})
 */
public record TokenSubject(String subject, String username, String tenant, Set<String> roles, Set<String> permissions,
                           Map<String, Object> extraClaims) {

    public TokenSubject(String subject, String username, String tenant, Set<String> roles, Set<String> permissions) {
        this(subject, username, tenant, roles, permissions, Map.of());
    }
}
