package io.runstream.auth.token;

import com.nimbusds.jose.jwk.JWKSet;
import reactor.core.publisher.Mono;

/** The key ring: the key that signs now and every public key whose tokens may still be valid. */
public interface SigningKeys {

    /** Public keys to publish (current and not yet expired previous ones). */
    Mono<JWKSet> publicKeys();

    /** Retires the current key now and starts signing with a fresh one (the old one stays published). */
    Mono<String> rotateNow();
}
