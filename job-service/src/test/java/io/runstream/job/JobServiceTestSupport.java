package io.runstream.job;

import io.runstream.platform.test.TestTokens;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Tokens and SSE helpers shared by job-service's HTTP tests. */
public final class JobServiceTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String[] ALL = {"runs:read", "runs:write", "runs:cancel", "jobs:write"};
    public static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    private JobServiceTestSupport() {
    }

    public static String token(String user, String tenant, String... permissions) {
        return TestTokens.bearer(TestTokens.user(user).tenant(tenant).roles("data_scientist").permissions(permissions).sign());
    }

    public static String token(String user, String tenant) {
        return token(user, tenant, ALL);
    }

    /** Creates a run of {@code jobId} through the API (asserting 201) and answers its id. */
    public static String createRun(WebTestClient web, String token, String jobId, String argsJson) {
        return JSON.readTree(web.post().uri("/api/v1/runs").header("Authorization", token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"job_id\":\"" + jobId + "\",\"args\":" + argsJson + "}")
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody()).path("run_id").asString();
    }

    /** The run as the API shows it. */
    public static JsonNode run(WebTestClient web, String token, String runId) {
        return JSON.readTree(web.get().uri("/api/v1/runs/" + runId).header("Authorization", token).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    /** Waits until the run has {@code status}, then answers it. */
    public static JsonNode awaitStatus(WebTestClient web, String token, String runId, String status, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(150))
                .until(() -> run(web, token, runId).path("status").asString().equals(status));
        return run(web, token, runId);
    }

    /** The events of an SSE endpoint (comments dropped), as they arrive. */
    public static Flux<ServerSentEvent<String>> sse(WebTestClient web, String uri, String token, String lastEventId) {
        var spec = web.mutate().responseTimeout(Duration.ofSeconds(60)).build()
                .get().uri(uri).header("Authorization", token).accept(MediaType.TEXT_EVENT_STREAM);
        if (lastEventId != null) {
            spec = spec.header("Last-Event-ID", lastEventId);
        }
        return spec.exchange().expectStatus().isOk().returnResult(SSE).getResponseBody()
                .filter(event -> event.event() != null);
    }
}
