package io.runstream.auth.password;

import io.runstream.auth.config.AuthProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyTest {

    private final Argon2Passwords passwords = new Argon2Passwords(new AuthProperties("", Duration.ofMinutes(10),
            Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofDays(7),
            new AuthProperties.Keys(Duration.ofDays(30), Duration.ofMinutes(1), ""),
            new AuthProperties.Passwords(1024, 1, 1, 8, 128, 2),
            new AuthProperties.BootstrapAdmin("admin", "", "admin@example.com", "default")));

    @AfterEach
    void close() {
        passwords.destroy();
    }

    @Test
    void policy_acceptsLettersAndDigitsOfReasonableLength() {
        assertThat(passwords.policyViolation("NewSecurePassword123", "johndoe")).isEmpty();
        assertThat(passwords.policyViolation("admin123", "root")).isEmpty();
    }

    @Test
    void policy_refusesShortLongLetterOnlyDigitOnlyAndTheUsername() {
        assertThat(passwords.policyViolation("abc123", "u")).hasValueSatisfying(v -> assertThat(v).contains("at least 8"));
        assertThat(passwords.policyViolation("a1".repeat(65), "u")).hasValueSatisfying(v -> assertThat(v).contains("at most 128"));
        assertThat(passwords.policyViolation("onlyletters", "u")).isPresent();
        assertThat(passwords.policyViolation("1234567890", "u")).isPresent();
        assertThat(passwords.policyViolation("JohnDoe123", "johndoe123")).hasValueSatisfying(v -> assertThat(v).contains("username"));
        assertThat(passwords.policyViolation(null, "u")).isPresent();
    }

    @Test
    void hashes_areSaltedArgon2id_verify_andFlagOlderSettingsForRehash() {
        String one = passwords.hash("Passw0rd-ok").block();
        String two = passwords.hash("Passw0rd-ok").block();
        assertThat(one).startsWith("{argon2}$argon2id$").isNotEqualTo(two);
        assertThat(passwords.matches("Passw0rd-ok", one).block()).isTrue();
        assertThat(passwords.matches("wrong-passw0rd", one).block()).isFalse();
        assertThat(passwords.matches("Passw0rd-ok", null).block()).isFalse();
        assertThat(passwords.needsRehash(one)).isFalse();
        assertThat(passwords.needsRehash("{bcrypt}$2a$04$abcdefghijklmnopqrstuuKc0pDEp1V0IMuHQ3D7U7P3dHGz7.sKi")).isTrue();
    }
}
