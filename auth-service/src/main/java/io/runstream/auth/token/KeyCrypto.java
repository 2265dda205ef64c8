package io.runstream.auth.token;

import io.runstream.auth.config.AuthProperties;
import io.runstream.auth.support.Randoms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Protects private signing keys at rest: AES-256-GCM with a key derived (PBKDF2-HMAC-SHA256) from
 * {@code runstream.auth.keys.encryption-secret}. A database dump alone does not yield a signing key.
 */
final class KeyCrypto {

    private static final Logger log = LoggerFactory.getLogger(KeyCrypto.class);
    private static final String DEV_SECRET = "runstream-dev-only-key-encryption-secret";
    private static final byte[] SALT = "runstream-auth-signing-key".getBytes(StandardCharsets.UTF_8);
    private static final int IV_BYTES = 12;

    private final SecretKey key;

    KeyCrypto(AuthProperties.Keys keys) {
        String secret = keys.encryptionSecret();
        if (secret == null || secret.isBlank()) {
            log.warn("runstream.auth.keys.encryption-secret (RUNSTREAM_KEY_ENCRYPTION_SECRET) is not set: private signing "
                    + "keys are encrypted with a built-in development secret; set one in any real deployment");
            secret = DEV_SECRET;
        }
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] derived = factory.generateSecret(new PBEKeySpec(secret.toCharArray(), SALT, 210_000, 256)).getEncoded();
            this.key = new SecretKeySpec(derived, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the key-encryption key", e);
        }
    }

    String encrypt(String plaintext) {
        try {
            byte[] iv = Randoms.bytes(IV_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a signing key", e);
        }
    }

    String decrypt(String ciphertext) {
        try {
            byte[] all = Base64.getDecoder().decode(ciphertext);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, IV_BYTES));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a signing key: was runstream.auth.keys.encryption-secret changed?", e);
        }
    }
}
