package io.runstream.auth.password;

import reactor.core.publisher.Mono;

import java.util.Optional;

/** Password hashing (Argon2id, off the event loop on a bounded pool) and the password policy. */
public interface Passwords {

    Mono<String> hash(String rawPassword);

    /** Whether {@code rawPassword} matches {@code hash}; with a null hash it still spends the time of a check. */
    Mono<Boolean> matches(String rawPassword, String hash);

    /** Whether a stored hash uses an older algorithm or lower cost than configured (rehash it after a good login). */
    boolean needsRehash(String hash);

    /** Why {@code rawPassword} is not acceptable for {@code username}, or empty when it is. */
    Optional<String> policyViolation(String rawPassword, String username);
}
