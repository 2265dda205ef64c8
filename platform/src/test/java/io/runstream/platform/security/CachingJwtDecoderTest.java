package io.runstream.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CachingJwtDecoderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final List<String> verified = new ArrayList<>();

    /** Accepts tokens named "good-<seconds until exp>", refuses anything else; records every call. */
    private final ReactiveJwtDecoder platform = token -> Mono.defer(() -> {
        verified.add(token);
        if (!token.startsWith("good-")) {
            return Mono.error(new BadJwtException("forged"));
        }
        long lifetime = Long.parseLong(token.substring(5));
        Instant issued = clock.instant();
        return Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").subject("u").issuedAt(issued)
                .expiresAt(issued.plusSeconds(lifetime)).build());
    });

    private CachingJwtDecoder decoder(Duration ttl, int maxEntries) {
        return new CachingJwtDecoder(platform, ttl, maxEntries, clock);
    }

    @Test
    void aVerifiedToken_isNotVerifiedAgain_withinTheTtl() {
        CachingJwtDecoder decoder = decoder(Duration.ofSeconds(60), 100);
        StepVerifier.create(decoder.decode("good-3600")).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("u")).verifyComplete();
        clock.advance(Duration.ofSeconds(59));
        StepVerifier.create(decoder.decode("good-3600")).assertNext(jwt -> assertThat(jwt.getTokenValue()).isEqualTo("good-3600"))
                .verifyComplete();
        assertThat(verified).containsExactly("good-3600");
    }

    @Test
    void afterTheTtl_theTokenIsVerifiedAgain() {
        CachingJwtDecoder decoder = decoder(Duration.ofSeconds(60), 100);
        decoder.decode("good-3600").block();
        clock.advance(Duration.ofSeconds(60));
        decoder.decode("good-3600").block();
        assertThat(verified).containsExactly("good-3600", "good-3600");
    }

    @Test
    void aTokenIsNeverAcceptedFromMemoryPastItsExpiry() {
        CachingJwtDecoder decoder = decoder(Duration.ofSeconds(60), 100);
        decoder.decode("good-10").block();
        clock.advance(Duration.ofSeconds(9));
        decoder.decode("good-10").block();
        assertThat(verified).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        decoder.decode("good-10").block();
        assertThat(verified).as("at exp the platform decoder decides again").hasSize(2);
    }

    @Test
    void refusals_areNotRemembered() {
        CachingJwtDecoder decoder = decoder(Duration.ofSeconds(60), 100);
        StepVerifier.create(decoder.decode("forged")).expectError(BadJwtException.class).verify();
        StepVerifier.create(decoder.decode("forged")).expectError(BadJwtException.class).verify();
        assertThat(verified).containsExactly("forged", "forged");
        assertThat(decoder.size()).isZero();
    }

    @Test
    void beyondMaxEntries_newTokensAreVerifiedEveryTime_untilLapsedOnesAreDropped() {
        CachingJwtDecoder decoder = decoder(Duration.ofSeconds(60), 2);
        decoder.decode("good-100").block();
        decoder.decode("good-200").block();
        decoder.decode("good-300").block();
        decoder.decode("good-300").block();
        assertThat(decoder.size()).isEqualTo(2);
        assertThat(verified).containsExactly("good-100", "good-200", "good-300", "good-300");

        clock.advance(Duration.ofSeconds(61));
        decoder.decode("good-300").block();
        decoder.decode("good-300").block();
        assertThat(decoder.size()).as("the lapsed two were dropped to make room").isEqualTo(1);
        assertThat(verified).hasSize(5);
    }

    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
