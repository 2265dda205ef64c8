package io.runstream.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * How a service checks tokens ({@code runstream.security.*}).
 *
 * @param jwksUri     where auth-service publishes its signing keys
 * @param issuer      the {@code iss} every token must carry
 * @param audience    an {@code aud} every token must carry
 * @param publicPaths path patterns that need no token (health, login, JWKS, ...)
 */
@ConfigurationProperties("runstream.security")
public record SecurityProperties(
        @DefaultValue("http://localhost:8081/.well-known/jwks.json") String jwksUri,
        @DefaultValue("runstream") String issuer,
        @DefaultValue("runstream-api") String audience,
        @DefaultValue List<String> publicPaths) {
}
