package io.runstream.gateway.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signing keys and tokens for gateway tests (platform-test's TestTokens/TestJwks were not there yet
 * when the gateway was built). The JWKS is served by the auth stub of {@link StubServices}.
 */
public final class TestKeys {

    public static final String KID = "gateway-test-key";
    private static final RSAKey KEY = generate(KID);
    private static final RSAKey STRANGER_SAME_KID = generate(KID);
    private static final RSAKey STRANGER = generate("unknown-key");

    private TestKeys() {
    }

    public static String jwks() {
        return new JWKSet(KEY.toPublicJWK()).toString();
    }

    public static Token user(String subject) {
        return new Token(subject);
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class Token {
        private final String subject;
        private String tenant = "acme";
        private String issuer = "runstream";
        private String audience = "runstream-api";
        private Duration expiresIn = Duration.ofMinutes(5);
        private List<String> permissions = List.of("runs:read");
        private RSAKey signer = KEY;
        private boolean unsigned;

        private Token(String subject) {
            this.subject = subject;
        }

        public Token tenant(String tenant) { this.tenant = tenant; return this; }
        public Token issuer(String issuer) { this.issuer = issuer; return this; }
        public Token audience(String audience) { this.audience = audience; return this; }
        public Token expiresIn(Duration expiresIn) { this.expiresIn = expiresIn; return this; }
        public Token permissions(String... permissions) { this.permissions = List.of(permissions); return this; }
        /** Signed by a key the JWKS does not have, under a kid it does not know. */
        public Token signWithUnknownKey() { this.signer = STRANGER; return this; }
        /** Signed by another key that claims the JWKS's kid: a forgery. */
        public Token forged() { this.signer = STRANGER_SAME_KID; return this; }
        /** {@code alg: none}. */
        public Token unsigned() { this.unsigned = true; return this; }

        public String sign() {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(subject).issuer(issuer).audience(audience)
                    .issueTime(Date.from(now.minusSeconds(5)))
                    .expirationTime(Date.from(now.plus(expiresIn)))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("tenant", tenant).claim("preferred_username", subject)
                    .claim("roles", List.of("data_scientist")).claim("permissions", permissions)
                    .build();
            if (unsigned) {
                return new PlainJWT(claims).serialize();
            }
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(), claims);
                jwt.sign(new RSASSASigner(signer));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        public String bearer() {
            return "Bearer " + sign();
        }
    }
}
