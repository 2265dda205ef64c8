package io.runstream.platform.security;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;

/** The checks every Runstream access token passes, wherever it is validated (gateway or service). */
public final class TokenValidators {

    private TokenValidators() {
    }

    /** Expiry and not-before (with Spring's default skew), issuer, audience, and a tenant claim. */
    public static OAuth2TokenValidator<Jwt> forPlatform(String issuer, String audience) {
        return new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(issuer),
                claim("aud", jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience),
                        "the token is not meant for " + audience),
                claim(Caller.TENANT_CLAIM, jwt -> jwt.getClaimAsString(Caller.TENANT_CLAIM) != null,
                        "the token names no tenant"),
                claim("sub", jwt -> jwt.getSubject() != null, "the token names no subject"));
    }

    private static OAuth2TokenValidator<Jwt> claim(String name, java.util.function.Predicate<Jwt> test, String failure) {
        return jwt -> test.test(jwt) ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", failure + " (" + name + ")", null));
    }
}
