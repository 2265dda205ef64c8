package io.runstream.gateway.security;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.test.StepVerifier;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class PublicPathsTest {

    private final PublicPaths publicPaths = new PublicPaths();

    private boolean isPublic(String path) {
        return publicPaths.isPublic(MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.GET, URI.create(path))));
    }

    @Test
    void thePublicPaths_match() {
        assertThat(isPublic("/api/v1/login")).isTrue();
        assertThat(isPublic("/api/v1/login/access-token")).isTrue();
        assertThat(isPublic("/api/v1/refresh")).isTrue();
        assertThat(isPublic("/api/v1/health")).isTrue();
        assertThat(isPublic("/api/v1/utils/health-check")).isTrue();
        assertThat(isPublic("/api/v1/utils/health-check/")).isTrue();
        assertThat(isPublic("/.well-known/jwks.json")).isTrue();
        assertThat(isPublic("/actuator/health")).isTrue();
        assertThat(isPublic("/actuator/health/liveness")).isTrue();
        assertThat(isPublic("/actuator/info")).isTrue();
        assertThat(isPublic("/actuator/prometheus")).isTrue();
    }

    @Test
    void everythingElse_needsCredentials_evenWhenItStartsLikeAPublicPath() {
        assertThat(isPublic("/api/v1/jobs")).isFalse();
        assertThat(isPublic("/api/v1/loginx")).isFalse();
        assertThat(isPublic("/api/v1/refresh/x")).isFalse();
        assertThat(isPublic("/api/v1/healthz")).isFalse();
        assertThat(isPublic("/actuator/env")).isFalse();
        assertThat(isPublic("/actuator/healthdump")).isFalse();
        assertThat(isPublic("/")).isFalse();
    }

    @Test
    void anEncodedPath_isMatchedOnItsDecodedSegments_likeThePatternsAlwaysDid() {
        assertThat(isPublic("/api/v1/%6Cogin/access-token")).isTrue();
        assertThat(isPublic("/api/v1/%6Aobs")).isFalse();
    }

    @Test
    void asTheChainsMatcher_itAnswersMatchOrNoMatch() {
        StepVerifier.create(publicPaths.matches(MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/refresh"))))
                .assertNext(result -> assertThat(result.isMatch()).isTrue()).verifyComplete();
        StepVerifier.create(publicPaths.matches(MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/runs"))))
                .assertNext(result -> assertThat(result.isMatch()).isFalse()).verifyComplete();
    }

    @Test
    void literalPrefix_stopsAtTheFirstWildcard_andCoversTheBarePath() {
        assertThat(PublicPaths.literalPrefix("/api/v1/login/**")).isEqualTo("/api/v1/login");
        assertThat(PublicPaths.literalPrefix("/actuator/health/**")).isEqualTo("/actuator/health");
        assertThat(PublicPaths.literalPrefix("/api/v1/refresh")).isEqualTo("/api/v1/refresh");
        assertThat(PublicPaths.literalPrefix("/api/v1/utils/health-check/")).isEqualTo("/api/v1/utils/health-check");
    }
}
