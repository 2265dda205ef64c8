package io.runstream.auth.token;

import io.runstream.auth.config.AuthProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyCryptoTest {

    private static KeyCrypto crypto(String secret) {
        return new KeyCrypto(new AuthProperties.Keys(Duration.ofDays(30), Duration.ofMinutes(1), secret));
    }

    @Test
    void encrypt_roundTrips_withAFreshIvEachTime_andHidesThePlaintext() {
        KeyCrypto crypto = crypto("s3cret");
        String secret = "{\"kty\":\"RSA\",\"d\":\"private-part\"}";
        String first = crypto.encrypt(secret);
        String second = crypto.encrypt(secret);

        assertThat(first).isNotEqualTo(second).doesNotContain("private-part", "RSA");
        assertThat(crypto.decrypt(first)).isEqualTo(secret);
        assertThat(crypto.decrypt(second)).isEqualTo(secret);
    }

    @Test
    void decrypt_withAnotherSecretOrTamperedCiphertext_fails() {
        String sealed = crypto("one").encrypt("key material");
        assertThatThrownBy(() -> crypto("two").decrypt(sealed)).isInstanceOf(IllegalStateException.class);

        char[] chars = sealed.toCharArray();
        chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> crypto("one").decrypt(new String(chars))).isInstanceOf(IllegalStateException.class);
    }
}
