package io.runstream.auth.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * auth-service configuration ({@code runstream.auth.*}); issuer and audience come from the
 * platform's {@code runstream.security.*}.
 *
 * @param serviceSecret   the client secret every service presents for the client-credentials grant
 *                        (env RUNSTREAM_SERVICE_SECRET); blank disables the grant
 * @param accessTokenTtl  lifetime of a user's access token
 * @param serviceTokenTtl lifetime of a service (client-credentials) token
 * @param apiKeyTokenTtl  lifetime of the token an API key is exchanged for (at most 60 s)
 * @param refreshTokenTtl lifetime of one refresh token (each refresh issues a new one)
 * @param keys            signing keys
 * @param passwords       password hashing and policy
 * @param bootstrapAdmin  the platform admin created at first start
 */
@ConfigurationProperties("runstream.auth")
public record AuthProperties(
        @DefaultValue("") String serviceSecret,
        @DefaultValue("10m") Duration accessTokenTtl,
        @DefaultValue("10m") Duration serviceTokenTtl,
        @DefaultValue("30s") Duration apiKeyTokenTtl,
        @DefaultValue("7d") Duration refreshTokenTtl,
        @DefaultValue Keys keys,
        @DefaultValue Passwords passwords,
        @DefaultValue BootstrapAdmin bootstrapAdmin) {

    public AuthProperties {
        if (apiKeyTokenTtl.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("runstream.auth.api-key-token-ttl must be at most 60s");
        }
    }

    /**
     * @param rotationPeriod   a new key signs from this age of the current one on; the old one stays
     *                         published until every token it signed has expired
     * @param refreshInterval  how often a replica re-reads the key table (sees another replica's rotation)
     * @param encryptionSecret secret from which the AES-256-GCM key protecting private keys at rest is derived
     *                         (env RUNSTREAM_KEY_ENCRYPTION_SECRET)
     */
    public record Keys(
            @DefaultValue("30d") Duration rotationPeriod,
            @DefaultValue("1m") Duration refreshInterval,
            @DefaultValue("") String encryptionSecret) {
    }

    /**
     * Argon2id parameters (OWASP 2023 minimum: 19 MiB, 2 iterations, 1 lane) and the password policy.
     */
    public record Passwords(
            @DefaultValue("19456") int argon2MemoryKib,
            @DefaultValue("2") int argon2Iterations,
            @DefaultValue("1") int argon2Parallelism,
            @DefaultValue("8") int minLength,
            @DefaultValue("128") int maxLength,
            @DefaultValue("2") int maxConcurrentHashes) {
    }

    /** The platform admin created when no user exists; a blank password is generated and printed once. */
    public record BootstrapAdmin(
            @DefaultValue("admin") String username,
            @DefaultValue("") String password,
            @DefaultValue("admin@runstream.local") String email,
            @DefaultValue("default") String tenant) {
    }
}
