package io.runstream.auth.password;

import io.runstream.auth.config.AuthProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.Map;
import java.util.Optional;

/**
 * Argon2id through Spring Security's encoder, behind a {@link DelegatingPasswordEncoder} so hashes
 * carry their algorithm ({@code {argon2}...}) and a future change of algorithm or cost needs no
 * migration. Hashing is deliberately slow and memory-hungry, so it runs on a small dedicated pool:
 * a login storm queues instead of exhausting memory or starving the event loop.
 */
@Component
class Argon2Passwords implements Passwords, DisposableBean {

    private final PasswordEncoder encoder;
    private final Scheduler hashing;
    private final AuthProperties.Passwords policy;
    /** Checked against when the user does not exist, so unknown and known users take the same time. */
    private final String dummyHash;

    Argon2Passwords(AuthProperties properties) {
        this.policy = properties.passwords();
        Argon2PasswordEncoder argon2 = new Argon2PasswordEncoder(16, 32, policy.argon2Parallelism(),
                policy.argon2MemoryKib(), policy.argon2Iterations());
        this.encoder = new DelegatingPasswordEncoder("argon2", Map.of("argon2", argon2, "bcrypt", new BCryptPasswordEncoder()));
        this.hashing = Schedulers.newBoundedElastic(Math.max(1, policy.maxConcurrentHashes()), 10_000, "password-hash");
        this.dummyHash = encoder.encode("not-a-password-of-anyone");
    }

    @Override
    public Mono<String> hash(String rawPassword) {
        return Mono.fromCallable(() -> encoder.encode(rawPassword)).subscribeOn(hashing);
    }

    @Override
    public Mono<Boolean> matches(String rawPassword, String hash) {
        return Mono.fromCallable(() -> {
            if (hash == null) {
                encoder.matches(rawPassword, dummyHash);
                return false;
            }
            return encoder.matches(rawPassword, hash);
        }).subscribeOn(hashing);
    }

    @Override
    public boolean needsRehash(String hash) {
        return hash != null && encoder.upgradeEncoding(hash);
    }

    @Override
    public Optional<String> policyViolation(String rawPassword, String username) {
        if (rawPassword == null || rawPassword.length() < policy.minLength()) {
            return Optional.of("must be at least " + policy.minLength() + " characters long");
        }
        if (rawPassword.length() > policy.maxLength()) {
            return Optional.of("must be at most " + policy.maxLength() + " characters long");
        }
        if (rawPassword.chars().noneMatch(Character::isLetter) || rawPassword.chars().noneMatch(Character::isDigit)) {
            return Optional.of("must contain at least one letter and one digit");
        }
        if (username != null && rawPassword.equalsIgnoreCase(username)) {
            return Optional.of("must not be the username");
        }
        return Optional.empty();
    }

    @Override
    public void destroy() {
        hashing.dispose();
    }
}
