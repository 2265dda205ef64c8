package io.runstream.training.predictor;

import io.runstream.training.store.ModelStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Per-run callback tokens for runs an external engine executes: an HMAC of the run id under the
 * service secret, so it can be handed to the engine again without being stored; only its hash is
 * kept with the training.
 */
@Component
class CallbackTokens {

    private final byte[] secret;

    CallbackTokens(@Value("${runstream.training.callback-secret:${runstream.service-client.secret:}}") String secret) {
        if (secret == null || secret.isBlank()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.secret = random;
        } else {
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
        }
    }

    String tokenFor(String runId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(runId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String hash(String token) {
        return ModelStore.sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    boolean matches(String token, String expectedHash) {
        if (token == null || expectedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(token).getBytes(StandardCharsets.UTF_8), expectedHash.getBytes(StandardCharsets.UTF_8));
    }
}
