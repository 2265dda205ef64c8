package io.runstream.auth.token;

import io.runstream.auth.config.AuthProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Duration;

/** A second key store on the test database with a short rotation period, as another replica would see the table. */
public final class RotatingStores {

    private RotatingStores() {
    }

    public static SigningKeys withRotationPeriod(ApplicationContext context, Duration period) {
        AuthProperties base = context.getBean(AuthProperties.class);
        AuthProperties.Keys keys = new AuthProperties.Keys(period, Duration.ZERO, base.keys().encryptionSecret());
        AuthProperties properties = new AuthProperties(base.serviceSecret(), base.accessTokenTtl(), base.serviceTokenTtl(),
                base.apiKeyTokenTtl(), base.refreshTokenTtl(), keys, base.passwords(), base.bootstrapAdmin());
        return new SigningKeyStore(context.getBean(DatabaseClient.class), context.getBean(TransactionalOperator.class), properties);
    }

    /** Signs {@code claims} with the store's current key. */
    public static String sign(SigningKeys store, com.nimbusds.jwt.JWTClaimsSet claims) {
        var active = ((SigningKeyStore) store).ring().block().active();
        try {
            var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256)
                    .keyID(active.getKeyID()).build(), claims);
            jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(active));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String activeKid(SigningKeys store) {
        return ((SigningKeyStore) store).ring().block().active().getKeyID();
    }
}
