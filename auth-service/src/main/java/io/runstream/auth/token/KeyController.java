package io.runstream.auth.token;

import io.runstream.auth.web.Access;
import io.runstream.platform.security.Caller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.Map;

/** Operations: rotate the signing key now (e.g. after a suspected leak), platform admins only. */
@RestController
class KeyController {

    private final SigningKeys keys;

    KeyController(SigningKeys keys) {
        this.keys = keys;
    }

    @PostMapping("/api/v1/keys/rotate")
    public Mono<Map<String, String>> rotate(Caller caller) {
        return Access.requiringPlatformAdmin(caller).then(keys.rotateNow()).map(kid -> Map.of("kid", kid));
    }
}
