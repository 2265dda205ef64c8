package io.runstream.gateway;

import io.runstream.gateway.support.StubServices;
import io.runstream.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** training-service is down (nothing listens on its port); the others are up. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class DegradedServiceTest {

    static final StubServices STUBS = StubServices.shared();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        for (String service : List.of("auth", "job", "dataset", "inference")) {
            registry.add("runstream.gateway.services." + service, () -> STUBS.uri(service).toString());
        }
        registry.add("runstream.gateway.services.training", () -> StubServices.deadService().toString());
        registry.add("runstream.security.jwks-uri", STUBS::jwksUri);
    }

    @Autowired
    WebTestClient web;

    @Test
    void health_withOneServiceDown_isDegraded_andNamesIt() {
        long started = System.nanoTime();
        web.get().uri("/api/v1/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("degraded")
                .jsonPath("$.version").isNotEmpty()
                .jsonPath("$.uptime_seconds").isNumber()
                .jsonPath("$.services['training-service']").isEqualTo("DOWN")
                .jsonPath("$.services['auth-service']").isEqualTo("UP")
                .jsonPath("$.services['job-service']").isEqualTo("UP")
                .jsonPath("$.services['dataset-service']").isEqualTo("UP")
                .jsonPath("$.services['inference-service']").isEqualTo("UP");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void dataMlHealthCheck_answersTheSameReport() {
        web.get().uri("/api/v1/utils/health-check/").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("degraded")
                .jsonPath("$.services['training-service']").isEqualTo("DOWN");
    }

    @Test
    void downService_answers503Problem_quickly() {
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            web.get().uri("/api/v1/train/").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(503)
                    .jsonPath("$.service").isEqualTo("training-service")
                    .jsonPath("$.instance").isEqualTo("/api/v1/train/")
                    .jsonPath("$.request_id").exists();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void otherServices_stillAnswer_whileOneIsDown() {
        web.get().uri("/api/v1/inference/models").header(HttpHeaders.AUTHORIZATION, TestKeys.user("alice").bearer())
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.service").isEqualTo("inference");
    }
}
