package io.runstream.platform.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.runstream.platform.security.Caller;
import io.runstream.platform.security.ServiceTokens;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Access tokens for tests, signed with a key that {@link TestJwks} publishes — the same claims
 * auth-service issues — plus the malformed ones negative tests need.
 *
 * <pre>
 * String jwt = TestTokens.user("alice").tenant("acme").permissions("runs:read").sign();
 * web.get().uri("/api/v1/runs").header("Authorization", TestTokens.bearer(jwt))
 * </pre>
 */
public final class TestTokens {

    public static final String ISSUER = "runstream";
    public static final String AUDIENCE = "runstream-api";

    private static final RSAKey SIGNING_KEY = generate("runstream-test-key");
    private static final RSAKey UNKNOWN_KEY = generate("unknown-key");

    private String subject = UUID.randomUUID().toString();
    private String username;
    private String tenant = "acme";
    private List<String> roles = List.of();
    private List<String> permissions = List.of();
    private String issuer = ISSUER;
    private String audience = AUDIENCE;
    private Duration expiresIn = Duration.ofMinutes(15);

    private TestTokens(String username) {
        this.username = username;
    }

    public static TestTokens user(String username) {
        return new TestTokens(username);
    }

    /** A service's own token, as the client-credentials grant issues it. */
    public static TestTokens service(String serviceName) {
        return new TestTokens(serviceName).subject(serviceName).tenant(ServiceTokens.SYSTEM_TENANT)
                .roles(ServiceTokens.SERVICE_ROLE);
    }

    public static String bearer(String jwt) {
        return "Bearer " + jwt;
    }

    public TestTokens subject(String subject) {
        this.subject = subject;
        return this;
    }

    public TestTokens tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    public TestTokens roles(String... roles) {
        this.roles = List.of(roles);
        return this;
    }

    public TestTokens permissions(String... permissions) {
        this.permissions = List.of(permissions);
        return this;
    }

    public TestTokens issuer(String issuer) {
        this.issuer = issuer;
        return this;
    }

    public TestTokens audience(String audience) {
        this.audience = audience;
        return this;
    }

    /** A negative duration makes an already expired token. */
    public TestTokens expiresIn(Duration expiresIn) {
        this.expiresIn = expiresIn;
        return this;
    }

    public String sign() {
        return sign(SIGNING_KEY);
    }

    /** Signed by a key the JWKS does not publish. */
    public String signWithUnknownKey() {
        return sign(UNKNOWN_KEY);
    }

    /** {@code alg: none}. */
    public String unsigned() {
        return new PlainJWT(claims()).serialize();
    }

    static RSAKey signingKey() {
        return SIGNING_KEY;
    }

    private String sign(RSAKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a test token", e);
        }
    }

    private JWTClaimsSet claims() {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(issuer)
                .audience(audience)
                .issueTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(expiresIn)))
                .jwtID(UUID.randomUUID().toString())
                .claim(Caller.USERNAME_CLAIM, username)
                .claim(Caller.ROLES_CLAIM, roles)
                .claim(Caller.PERMISSIONS_CLAIM, permissions);
        if (tenant != null) {
            claims.claim(Caller.TENANT_CLAIM, tenant);
        }
        return claims.build();
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a test key", e);
        }
    }
}
