package io.runstream.gateway;

import io.runstream.gateway.support.StubServices;
import io.runstream.gateway.support.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every service up: routing, streams, forwarded headers and edge authentication. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class RoutingAndEdgeAuthTest {

    static final StubServices STUBS = StubServices.shared();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        STUBS.registerAll(registry);
    }

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int port;

    private static boolean warmedUp;

    /** The first proxied request pays for JIT, connection pools and the JWKS fetch; keep that out of timed tests. */
    @BeforeEach
    void warmUp() {
        if (!warmedUp) {
            web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("warm").bearer()).exchange();
            warmedUp = true;
        }
    }

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private Map<String, Object> echo(String path, String bearer) {
        return web.get().uri(path).header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> headers(Map<String, Object> echo) {
        return (Map<String, String>) echo.get("headers");
    }

    @ParameterizedTest
    @CsvSource({
            "/api/v1/users/read-users/, auth", "/api/v1/rbac/roles/, auth", "/api/v1/api-keys, auth",
            "/api/v1/organizations/, auth", "/api/v1/projects/?org=o1, auth", "/api/v1/validate-token, auth",
            "/api/v1/tenants/t1, auth", "/api/v1/logout, auth", "/api/v1/reset-password, auth",
            "/api/v1/jobs, job", "/api/v1/runs/run_1, job", "/api/v1/runs/run_1/logs, job", "/api/v1/metrics/summary, job",
            "/api/v1/system/info, job", "/compat/instabase/api/v1/jobs/status, job", "/api/v1/artifacts/a1, job",
            "/api/v1/template/, dataset", "/api/v1/dataset/d1, dataset", "/api/v1/files/f1, dataset", "/api/v1/datalake/x, dataset",
            "/api/v1/train/, training", "/api/v1/ray/status, training", "/api/v1/inference/predict, inference"})
    void servicePrefix_routesToItsService(String path, String service) {
        Map<String, Object> echo = echo(path, TestKeys.user("alice").bearer());
        assertThat(echo).containsEntry("service", service);
        assertThat(path).startsWith((String) echo.get("path"));
    }

    @Test
    void publicAuthPaths_needNoToken() {
        web.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.keys[0].kid").isEqualTo(TestKeys.KID);
        web.post().uri("/api/v1/refresh?refresh_token=r").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("auth");
    }

    @Test
    void publicPath_withStaleToken_isStillForwarded() {
        web.post().uri("/api/v1/refresh?refresh_token=r")
                .header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").expiresIn(Duration.ofMinutes(-10)).bearer())
                .exchange().expectStatus().isOk();
    }

    @Test
    void internalAndActuatorPaths_ofServices_areNotRouted() {
        String bearer = TestKeys.user("alice").bearer();
        for (String path : List.of("/internal/v1/datasets/d1/content?tenant=acme", "/internal/v1/api-keys/exchange",
                "/actuator/env", "/api/v1/internal/x")) {
            web.get().uri(path).header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    /** Routes are matched before the gateway's own endpoints; none of them may capture those. */
    @Test
    void theGatewaysOwnEndpoints_areServedByTheGateway() {
        web.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP").jsonPath("$.service").doesNotExist();
        // per-route figures come from the server observation, tagged with the route that served the request
        web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer()).exchange()
                .expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> web.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body)
                        .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"job\"")
                        .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"none\"")
                        .doesNotContain("gateway_proxy_requests")));
        web.get().uri("/api/v1/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.version").isNotEmpty().jsonPath("$.services['job-service']").exists();
    }

    @Test
    void dotSegments_cannotReachInternalEndpoints() {
        for (String path : List.of("/api/v1/runs/%2E%2E/%2E%2E/%2E%2E/internal/v1/x", "/api/v1/runs/%252E%252E/internal",
                "/api/v1/runs/a%2Fb")) {
            web.get().uri(URI.create("http://localhost:" + port + path))
                    .header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                    .exchange().expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void unknownPath_answers404Problem() {
        web.get().uri("/api/v1/nothing-here").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.instance").isEqualTo("/api/v1/nothing-here")
                .jsonPath("$.request_id").exists();
    }

    @Test
    void requestId_isForwardedAndEchoed() {
        var result = web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .header("X-Request-Id", "req-123").exchange()
                .expectStatus().isOk().expectHeader().valueEquals("X-Request-Id", "req-123")
                .expectBody(JSON).returnResult();
        assertThat(headers(result.getResponseBody())).containsEntry("x-request-id", "req-123");
    }

    @Test
    void requestId_isGeneratedWhenAbsent_andForwarded() {
        var result = web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult();
        String generated = result.getResponseHeaders().getFirst("X-Request-Id");
        assertThat(generated).isNotBlank();
        assertThat(result.getResponseHeaders().get("X-Request-Id")).as("the service echoes it too; one header remains")
                .containsExactly(generated);
        assertThat(headers(result.getResponseBody())).containsEntry("x-request-id", generated);
    }

    @Test
    void traceContext_reachesTheService_continuingTheCallersTrace() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Map<String, Object> echo = web.get().uri("/api/v1/runs")
                .header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        String traceparent = headers(echo).get("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]").contains(traceId);
        assertThat(traceparent).doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void traceContext_isStartedWhenTheCallerSendsNone() {
        Map<String, Object> echo = echo("/api/v1/runs", TestKeys.user("alice").bearer());
        assertThat(headers(echo).get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }

    @Test
    void identityHeaders_fromClients_areStripped() {
        Map<String, Object> echo = web.get().uri("/api/v1/jobs")
                .header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .header("X-User-Id", "admin").header("X-Tenant", "other").header("X-Roles", "platform_admin")
                .header("X-Permissions", "can_manage_users").header("X-Authenticated-User", "root")
                .header("X-Custom", "kept")
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(headers(echo)).doesNotContainKeys("x-user-id", "x-tenant", "x-roles", "x-permissions", "x-authenticated-user")
                .containsEntry("x-custom", "kept");
    }

    @Test
    void validJwt_isForwardedWithItsAuthorization() {
        String bearer = TestKeys.user("alice").bearer();
        Map<String, Object> echo = echo("/api/v1/runs", bearer);
        assertThat(headers(echo)).containsEntry("authorization", bearer);
    }

    @Test
    void missingCredentials_answer401Problem() {
        web.get().uri("/api/v1/runs").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-RateLimit-Limit", "120")
                .expectHeader().exists("X-RateLimit-Remaining")
                .expectBody().jsonPath("$.status").isEqualTo(401).jsonPath("$.instance").isEqualTo("/api/v1/runs");
    }

    @Test
    void badTokens_answer401Problem() {
        Map<String, String> bad = Map.of(
                "forged", TestKeys.user("alice").forged().sign(),
                "alg none", TestKeys.user("alice").unsigned().sign(),
                "expired", TestKeys.user("alice").expiresIn(Duration.ofMinutes(-5)).sign(),
                "wrong issuer", TestKeys.user("alice").issuer("evil").sign(),
                "wrong audience", TestKeys.user("alice").audience("other-api").sign(),
                "unknown key", TestKeys.user("alice").signWithUnknownKey().sign(),
                "garbage", "not.a.jwt");
        bad.forEach((kind, token) -> web.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus().value(status -> assertThat(status).as(kind).isEqualTo(401))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void malformedBearerCredentials_andOtherSchemes_answer401Problem() {
        for (String authorization : List.of("Bearer a b", "Bearer", "Bearer  " + TestKeys.user("alice").sign(),
                "Basic dXNlcjpwYXNz", "Token abc")) {
            web.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, authorization).exchange()
                    .expectStatus().value(status -> assertThat(status).as(authorization).isEqualTo(401))
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.detail").isEqualTo("The access token is invalid, expired or not meant for this API");
        }
    }

    @Test
    void bearerTokenAndApiKeyTogether_theTokenDecides() {
        STUBS.apiKeys.put("rk_live_both", "key-owner");
        String bearer = TestKeys.user("alice").bearer();
        int exchangesBefore = STUBS.exchangeCalls.get();
        Map<String, Object> echo = web.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, bearer)
                .header("X-API-KEY", "rk_live_both")
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(headers(echo)).containsEntry("authorization", bearer);
        // a bad token is not rescued by a good key
        web.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, "Bearer not.a.jwt").header("X-API-KEY", "rk_live_both")
                .exchange().expectStatus().isUnauthorized();
        assertThat(STUBS.exchangeCalls.get()).isEqualTo(exchangesBefore);
    }

    @Test
    void apiKey_isExchangedForAToken_whichTheServiceReceives() {
        STUBS.apiKeys.put("rk_live_good", "key-owner");
        Map<String, Object> echo = web.get().uri("/api/v1/runs").header("X-API-KEY", "rk_live_good")
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(headers(echo).get("authorization")).startsWith("Bearer ey");
        assertThat(headers(echo)).doesNotContainKey("x-api-key");
    }

    @Test
    void apiKey_exchangeIsCached() {
        STUBS.apiKeys.put("rk_live_cached", "key-owner");
        int before = STUBS.exchangeCalls.get();
        for (int i = 0; i < 5; i++) {
            web.get().uri("/api/v1/jobs").header("X-API-KEY", "rk_live_cached").exchange().expectStatus().isOk();
        }
        assertThat(STUBS.exchangeCalls.get() - before).isEqualTo(1);
    }

    @Test
    void unknownApiKey_answers401Problem() {
        web.get().uri("/api/v1/runs").header("X-API-KEY", "rk_live_nope").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("API key"));
    }

    @Test
    void revokedApiKey_stopsWorkingWithinFiveSeconds() {
        STUBS.apiKeys.put("rk_live_revoked", "key-owner");
        web.get().uri("/api/v1/jobs").header("X-API-KEY", "rk_live_revoked").exchange().expectStatus().isOk();
        STUBS.apiKeys.remove("rk_live_revoked");
        long revokedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                web.get().uri("/api/v1/jobs").header("X-API-KEY", "rk_live_revoked").exchange()
                        .returnResult(Void.class).getStatus().value() == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void sse_thousandEvents_arriveThroughTheGateway_inOrder() {
        Flux<ServerSentEvent<String>> events = web.get().uri("/api/v1/events/runs")
                .header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
                }).getResponseBody();
        List<ServerSentEvent<String>> received = events.collectList().block(Duration.ofSeconds(30));
        assertThat(received).hasSize(StubServices.SSE_EVENTS);
        for (int i = 0; i < StubServices.SSE_EVENTS; i++) {
            assertThat(received.get(i).id()).isEqualTo(Integer.toString(i));
            assertThat(received.get(i).event()).isEqualTo("run.progress");
            assertThat(received.get(i).data()).isEqualTo("{\"seq\":" + i + "}");
        }
    }

    @Test
    void followedLogs_outliveTheRequestTimeouts() {
        // the stub streams for 4.5 s; normal requests are cut at 3 s in this test configuration
        List<ServerSentEvent<String>> lines = web.get().uri("/api/v1/runs/run_1/logs?follow=true")
                .header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
                }).getResponseBody().collectList().block(Duration.ofSeconds(20));
        assertThat(lines).extracting(ServerSentEvent::data).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, StubServices.LOG_LINES).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void slowNormalRequest_answers504Problem() {
        web.get().uri("/api/v1/train/slow").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .exchange().expectStatus().isEqualTo(504)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.service").isEqualTo("training-service");
    }

    @Test
    void upload_streamsTheBodyToTheDatasetService() {
        byte[] body = new byte[3 * 1024 * 1024];
        web.post().uri("/api/v1/dataset/upload").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(body)
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.bytes").isEqualTo(body.length);
    }

    @Test
    void oversizeBody_onNormalPath_answers413Problem() {
        web.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(new byte[2 * 1024 * 1024])
                .exchange().expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void everyResponse_carriesRateLimitHeaders() {
        web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("bob").bearer()).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-RateLimit-Limit", "600")
                .expectHeader().exists("X-RateLimit-Remaining")
                .expectHeader().exists("X-RateLimit-Reset");
        web.get().uri("/api/v1/health").exchange()
                .expectHeader().exists("X-RateLimit-Limit");
    }
}
