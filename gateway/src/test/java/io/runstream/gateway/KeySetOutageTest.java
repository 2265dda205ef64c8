package io.runstream.gateway;

import io.runstream.gateway.support.StubServices;
import io.runstream.gateway.support.TestKeys;
import io.runstream.platform.web.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * auth-service's key set cannot be fetched (nothing listens where it should be): a bearer token cannot be checked.
 * That is the platform failing, not the caller — a 503 the client may retry, never a 401 that tells it to drop a
 * token that may well be good.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class KeySetOutageTest {

    static final StubServices STUBS = StubServices.shared();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        STUBS.registerServices(registry);
        registry.add("runstream.security.jwks-uri", () -> StubServices.deadService() + "/.well-known/jwks.json");
    }

    @Autowired
    WebTestClient web;

    @Test
    void aTokenThatCannotBeChecked_answers503Problem() {
        web.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer()).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo(Problems.TYPE_BASE + "credentials-unavailable")
                .jsonPath("$.instance").isEqualTo("/api/v1/runs");
    }

    @Test
    void noCredential_orAMalformedOne_isStillTheCallers_401() {
        web.get().uri("/api/v1/runs").exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, "Bearer a b").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void publicPaths_needNoKeySet_evenWithATokenSentAlong() {
        web.post().uri("/api/v1/refresh?refresh_token=r").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("auth");
    }
}
