package io.runstream.platform.security;

import org.springframework.security.oauth2.jwt.Jwt;

import java.util.List;
import java.util.Set;

/**
 * Who is calling: read from the access token that auth-service signed. Services scope every query
 * by {@link #tenant()} and check {@link #permissions()}.
 *
 * @param userId   the token's subject
 * @param username the user's login name
 * @param tenant   the only tenant whose objects this caller may see
 * @param token    the raw bearer token, to call other services on the caller's behalf
 */
public record Caller(String userId, String username, String tenant, Set<String> roles, Set<String> permissions,
                     String token) {

    public static final String TENANT_CLAIM = "tenant";
    public static final String USERNAME_CLAIM = "preferred_username";
    public static final String ROLES_CLAIM = "roles";
    public static final String PERMISSIONS_CLAIM = "permissions";
    public static final String ADMIN_ROLE = "admin";
    public static final String PLATFORM_ADMIN_ROLE = "platform_admin";

    public static Caller from(Jwt jwt) {
        return new Caller(jwt.getSubject(), jwt.getClaimAsString(USERNAME_CLAIM), jwt.getClaimAsString(TENANT_CLAIM),
                Set.copyOf(listClaim(jwt, ROLES_CLAIM)), Set.copyOf(listClaim(jwt, PERMISSIONS_CLAIM)), jwt.getTokenValue());
    }

    public boolean can(String permission) {
        return permissions.contains(permission);
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN_ROLE) || roles.contains(PLATFORM_ADMIN_ROLE);
    }

    private static List<String> listClaim(Jwt jwt, String name) {
        List<String> values = jwt.getClaimAsStringList(name);
        return values == null ? List.of() : values;
    }
}
