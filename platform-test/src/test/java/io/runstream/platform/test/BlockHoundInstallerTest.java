package io.runstream.platform.test;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;

/** BlockHound is installed for every test JVM by the launcher listener; these check what it catches. */
class BlockHoundInstallerTest {

    @Test
    void sleepingOnAReactorThread_failsWithABlockingOperationError() {
        StepVerifier.create(Mono.delay(Duration.ofMillis(1)).doOnNext(tick -> sleep()))
                .expectErrorMatches(error -> error.getClass().getName().equals("reactor.blockhound.BlockingOperationError"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void secureRandomAndUuids_onAReactorThread_areAllowed() {
        StepVerifier.create(Mono.delay(Duration.ofMillis(1)).map(tick -> {
                    byte[] bytes = new byte[64];
                    new SecureRandom().nextBytes(bytes);
                    return UUID.randomUUID().toString() + bytes.length;
                }))
                .expectNextMatches(value -> value.endsWith("64"))
                .verifyComplete();
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
