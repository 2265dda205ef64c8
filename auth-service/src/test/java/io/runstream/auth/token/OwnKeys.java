package io.runstream.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.context.ApplicationContext;

/**
 * Test access to auth-service's own current signing key, so that negative tests (expired, wrong
 * issuer, wrong audience) fail for the reason they name rather than for an unknown key.
 */
public final class OwnKeys {

    private OwnKeys() {
    }

    public static String sign(ApplicationContext context, JWTClaimsSet claims) {
        SigningKeyStore keys = context.getBean(SigningKeyStore.class);
        var active = keys.ring().block().active();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(active.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(active));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String currentKid(ApplicationContext context) {
        return context.getBean(SigningKeyStore.class).ring().block().active().getKeyID();
    }
}
