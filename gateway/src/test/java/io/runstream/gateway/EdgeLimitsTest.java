package io.runstream.gateway;

import io.runstream.gateway.support.StubServices;
import io.runstream.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Small limits, so that rate limits, login throttling, body sizes and CORS can be reached in a test. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "runstream.gateway.rate-limit.principal.capacity=5",
        "runstream.gateway.rate-limit.tenant.capacity=8",
        "runstream.gateway.rate-limit.anonymous.capacity=100",
        "runstream.gateway.rate-limit.login.max-failures-per-user=3",
        "runstream.gateway.rate-limit.login.max-failures-per-address=6",
        "runstream.gateway.request-size.max=1KB",
        "runstream.gateway.request-size.upload-max=8KB",
        "runstream.gateway.cors.allowed-origins=https://console.example.com"})
@AutoConfigureWebTestClient(timeout = "30s")
class EdgeLimitsTest {

    static final StubServices STUBS = StubServices.shared();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        STUBS.registerAll(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void rateLimit_countsDown_thenAnswers429Problem() {
        String bearer = TestKeys.user("rl-alone").tenant("rl-tenant-alone").bearer();
        for (int remaining = 4; remaining >= 0; remaining--) {
            web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("X-RateLimit-Limit", "5")
                    .expectHeader().valueEquals("X-RateLimit-Remaining", Integer.toString(remaining))
                    .expectHeader().value("X-RateLimit-Reset", reset ->
                            assertThat(Long.parseLong(reset)).isGreaterThanOrEqualTo(Instant.now().getEpochSecond()));
        }
        web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("X-RateLimit-Remaining", "0")
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.status").isEqualTo(429);
        // someone else is not affected
        web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("rl-other").tenant("rl-t2").bearer())
                .exchange().expectStatus().isOk();
    }

    @Test
    void tenantLimit_isSharedByItsUsers() {
        int allowed = 0;
        int refused = 0;
        for (String user : List.of("t-u1", "t-u2", "t-u3")) {
            String bearer = TestKeys.user(user).tenant("rl-shared").bearer();
            for (int i = 0; i < 4; i++) {
                int status = web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, bearer).exchange()
                        .returnResult(Void.class).getStatus().value();
                if (status == 200) {
                    allowed++;
                } else if (status == 429) {
                    refused++;
                }
            }
        }
        // each user could make 5, but the tenant's bucket holds 8
        assertThat(allowed).isEqualTo(8);
        assertThat(refused).isEqualTo(4);
    }

    private int login(String username, String password) {
        return web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=password&username=" + username + "&password=" + password)
                .exchange().returnResult(Void.class).getStatus().value();
    }

    @Test
    void failedLogins_areThrottledPerUsername_thenPerAddress() {
        for (int i = 0; i < 3; i++) {
            assertThat(login("mallory", "wrong")).isEqualTo(401);
        }
        // the username is now throttled, even with the right password
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=password&username=mallory&password=right")
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER);
        // another user from the same address still gets in; the form reaches auth-service intact
        assertThat(login("trent", "right")).isEqualTo(200);
        // three more failures with fresh usernames reach the address's limit of six
        for (String user : List.of("eve1", "eve2", "eve3")) {
            assertThat(login(user, "wrong")).isEqualTo(401);
        }
        assertThat(login("eve4", "right")).isEqualTo(429);
    }

    @Test
    void oversizeBody_answers413Problem_withOrWithoutContentLength() {
        String bearer = TestKeys.user("big").tenant("big-t").bearer();
        web.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(new byte[2048])
                .exchange().expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        Flux<DataBuffer> chunks = Flux.range(0, 4).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[512]));
        web.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON).body(BodyInserters.fromDataBuffers(chunks))
                .exchange().expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void uploads_haveTheLargerLimit() {
        String bearer = TestKeys.user("uploader").tenant("up-t").bearer();
        web.post().uri("/api/v1/dataset/upload").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(new byte[4096])
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.bytes").isEqualTo(4096);
        web.post().uri("/api/v1/dataset/upload").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(new byte[9 * 1024])
                .exchange().expectStatus().isEqualTo(413);
    }

    @Test
    void corsPreflight_fromAllowedOrigin_isAnswered_withoutCredentials() {
        web.options().uri("/api/v1/runs")
                .header(HttpHeaders.ORIGIN, "https://console.example.com")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://console.example.com")
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods).contains("POST"));
    }

    @Test
    void corsPreflight_fromOtherOrigin_isRefused() {
        web.options().uri("/api/v1/runs")
                .header(HttpHeaders.ORIGIN, "https://evil.example.org")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    @Test
    void corsActualRequest_carriesOneAllowOrigin_andExposesRateLimitHeaders() {
        web.get().uri("/api/v1/jobs").header(HttpHeaders.AUTHORIZATION, TestKeys.user("cors").tenant("cors-t").bearer())
                .header(HttpHeaders.ORIGIN, "https://console.example.com")
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://console.example.com")
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposed -> assertThat(exposed).contains("X-RateLimit-Remaining"));
    }
}
