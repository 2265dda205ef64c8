package io.runstream.job;

import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.runstream.job.JobServiceTestSupport.sse;
import static io.runstream.job.JobServiceTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealInfrastructure
@DirtiesContext // frees this class's consumers and pools for the next class on a small machine
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class RunApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String alice = token("alice", "acme");

    @Autowired
    WebTestClient web;

    private JsonNode post(String uri, String token, String body, int status) {
        byte[] answer = web.post().uri(uri).header("Authorization", token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody();
        return answer == null ? null : JSON.readTree(answer);
    }

    private JsonNode get(String uri, String token, int status) {
        return JSON.readTree(web.get().uri(uri).header("Authorization", token).exchange()
                .expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody());
    }

    private String createEcho(String token, String args) {
        return JobServiceTestSupport.createRun(web, token, "system/echo", args);
    }

    private JsonNode awaitStatus(String runId, String token, String status) {
        return JobServiceTestSupport.awaitStatus(web, token, runId, status, Duration.ofSeconds(30));
    }

    @Test
    void jobs_listAndDetail_includeTheBuiltInEcho() {
        JsonNode jobs = get("/api/v1/jobs", alice, 200);
        assertThat(jobs.path("jobs").findValuesAsString("id")).contains("system/echo");
        JsonNode echo = get("/api/v1/jobs/system/echo", alice, 200);
        assertThat(echo.path("namespace").asString()).isEqualTo("system");
        assertThat(echo.path("args").path("required").get(0).asString()).isEqualTo("message");
        assertThat(get("/api/v1/jobs/system/nope", alice, 404).path("status").asInt()).isEqualTo(404);
        assertThat(get("/api/v1/jobs?source=nobody", alice, 200).path("jobs").size()).isZero();
    }

    @Test
    void echoRun_streamsItsEventsAndCompletesWithTheMessage() {
        List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
        var subscription = sse(web, "/api/v1/events/runs?job_id=system/echo", alice, null).subscribe(received::add);
        try {
            String runId = createEcho(alice, "{\"message\":\"hello\"}");
            JsonNode done = awaitStatus(runId, alice, "completed");
            assertThat(done.path("result").path("value").path("message").asString()).isEqualTo("hello");
            assertThat(done.path("progress").asDouble()).isEqualTo(1.0);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.stream()
                    .anyMatch(e -> "run.finished".equals(e.event()) && e.data().contains(runId)));
            List<String> names = received.stream().filter(e -> e.data().contains(runId)).map(ServerSentEvent::event).toList();
            assertThat(names).contains("run.created", "run.started", "run.output", "run.finished");
            assertThat(names.indexOf("run.created")).isLessThan(names.indexOf("run.started"));
            assertThat(names.indexOf("run.started")).isLessThan(names.indexOf("run.finished"));
            List<Long> ids = received.stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void createRun_withArgsViolatingTheSchema_answers400WithEachField() {
        JsonNode problem = post("/api/v1/runs", alice,
                "{\"job_id\":\"system/echo\",\"args\":{\"delay_ms\":\"soon\",\"extra\":1}}", 400);
        List<String> fields = problem.path("errors").findValuesAsString("field");
        assertThat(fields).contains("args.message", "args.delay_ms");
        assertThat(problem.path("type").asString()).endsWith("validation-error");
    }

    @Test
    void createRun_badInput_answersProblems() {
        post("/api/v1/runs", alice, "{\"job_id\":", 400);
        post("/api/v1/runs", alice, "{\"job_id\":\"system/echo\",\"args\":[1]}", 400);
        post("/api/v1/runs", alice, "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"x\"},\"priority\":12}", 400);
        post("/api/v1/runs", alice, "{\"args\":{}}", 400);
        post("/api/v1/runs", alice, "{\"job_id\":\"nobody/nothing\",\"args\":{}}", 404);
        String huge = "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}}";
        web.post().uri("/api/v1/runs").header("Authorization", alice).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(huge).exchange().expectStatus().isEqualTo(413);
    }

    @Test
    void runs_needTokensAndPermissions_andStayInTheirTenant() {
        String runId = createEcho(alice, "{\"message\":\"mine\"}");
        web.get().uri("/api/v1/runs/" + runId).exchange().expectStatus().isUnauthorized();
        get("/api/v1/runs/" + runId, token("mallory", "other"), 404);
        post("/api/v1/runs/" + runId + "/cancel", token("mallory", "other"), "{}", 404);
        post("/api/v1/runs", token("viewer", "acme", "runs:read"), "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"x\"}}", 403);
        get("/api/v1/runs/run_01HXXXXXXXXXXXXXXXXXXXXXXX", alice, 404);
        assertThat(get("/api/v1/runs?q=" + runId.substring(4), token("mallory", "other"), 200).path("total").asLong()).isZero();
    }

    @Test
    void control_onAFinishedRun_answers409WithTheCurrentState() {
        String runId = createEcho(alice, "{\"message\":\"done\"}");
        awaitStatus(runId, alice, "completed");
        for (String action : List.of("cancel", "pause", "resume", "retry")) {
            JsonNode problem = post("/api/v1/runs/" + runId + "/" + action, alice, "{}", 409);
            assertThat(problem.path("status").asString()).isEqualTo("completed");
        }
    }

    @Test
    void cancel_aRunningRun_endsItCancelled_andRetryStartsANewAttempt() {
        String runId = createEcho(alice, "{\"message\":\"slow\",\"delay_ms\":20000}");
        awaitStatus(runId, alice, "running");
        JsonNode cancelled = post("/api/v1/runs/" + runId + "/cancel", alice, "{}", 200);
        assertThat(cancelled.path("status").asString()).isEqualTo("cancelled");
        assertThat(get("/api/v1/runs/" + runId, alice, 200).path("status").asString()).isEqualTo("cancelled");

        JsonNode retried = post("/api/v1/runs/" + runId + "/retry", alice, "{}", 202);
        assertThat(retried.path("attempt").asInt()).isEqualTo(2);
        JsonNode run = awaitStatus(runId, alice, "running");
        assertThat(run.path("attempt").asInt()).isEqualTo(2);
        assertThat(run.path("attempts").get(0).path("status").asString()).isEqualTo("cancelled");
        post("/api/v1/runs/" + runId + "/cancel", alice, "{}", 200);
        web.delete().uri("/api/v1/runs/" + runId).header("Authorization", alice).exchange().expectStatus().isNoContent();
        get("/api/v1/runs/" + runId, alice, 404);
    }

    @Test
    void createRun_withAsyncFalse_answersTheFinishedRun() {
        JsonNode run = post("/api/v1/runs", alice,
                "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"wait\"},\"async\":false,\"tenant\":\"ignored\"}", 201);
        assertThat(run.path("status").asString()).isEqualTo("completed");
        assertThat(run.path("result").path("value").path("message").asString()).isEqualTo("wait");
        JsonNode bounded = post("/api/v1/runs", alice, "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"slow\","
                + "\"delay_ms\":30000},\"async\":false,\"timeout_seconds\":1}", 201);
        assertThat(bounded.path("status").asString()).isIn("pending", "running");
        post("/api/v1/runs/" + bounded.path("run_id").asString() + "/cancel", alice, "{}", 200);
        JsonNode tagged = JSON.readTree(web.put().uri("/api/v1/runs/" + bounded.path("run_id").asString() + "/tags")
                .header("Authorization", alice).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"names\":[\"a\",\"b\",\"a\"]}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(tagged.path("tags").findValuesAsString("tags")).isEmpty();
        assertThat(tagged.path("tags").size()).isEqualTo(2);
    }

    /** The 201 answer is built from the row as it was written, not read back: it must say what a read says. */
    @Test
    void createRun_answersTheRunAsStored() {
        JsonNode created = post("/api/v1/runs", alice, "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"stored\","
                + "\"delay_ms\":30000},\"priority\":7,\"tags\":[\"x\",\"y\",\"x\"],\"project\":\"p1\","
                + "\"resources\":{\"cpu\":2,\"memory\":\"1Gi\"}}", 201);
        String runId = created.path("run_id").asString();
        JsonNode read = get("/api/v1/runs/" + runId, alice, 200);
        for (String field : List.of("run_id", "job_id", "executor", "owner", "project", "args", "priority", "tags",
                "resources", "attempt", "max_attempts", "attempts", "steps", "created_at", "result", "error", "cost")) {
            assertThat(created.path(field)).as(field).isEqualTo(read.path(field));
        }
        assertThat(created.path("status").asString()).isEqualTo("pending");
        assertThat(created.path("tags")).hasSize(2);
        assertThat(created.path("created_at").asString()).isNotEmpty();
        post("/api/v1/runs/" + runId + "/cancel", alice, "{}", 200);
    }

    @Test
    void idempotencyKey_replaysTheFirstRun_andRejectsAnotherBody() {
        String body = "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"once\"}}";
        String first = web.post().uri("/api/v1/runs").header("Authorization", alice).header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("run_id").asString();
        String again = web.post().uri("/api/v1/runs").header("Authorization", alice).header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("run_id").asString();
        assertThat(again).isEqualTo(first);
        web.post().uri("/api/v1/runs").header("Authorization", alice).header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body.replace("once", "twice")).exchange()
                .expectStatus().isEqualTo(409);
    }

    @Test
    void listRuns_filtersCountsAndPagesWithACursor() {
        String bob = token("bob", "lister");
        for (int i = 0; i < 5; i++) {
            post("/api/v1/runs", bob, "{\"job_id\":\"system/echo\",\"args\":{\"message\":\"m" + i + "\"},\"tags\":[\"t"
                    + (i % 2) + "\"],\"priority\":" + i + "}", 201);
        }
        JsonNode all = get("/api/v1/runs?limit=2", bob, 200);
        assertThat(all.path("total").asLong()).isEqualTo(5);
        assertThat(all.path("runs").size()).isEqualTo(2);
        String cursor = all.path("next_cursor").asString();
        JsonNode next = get("/api/v1/runs?limit=2&cursor=" + cursor, bob, 200);
        assertThat(next.path("runs").get(0).path("run_id").asString()).isLessThan(cursor);
        assertThat(get("/api/v1/runs?tags=t0", bob, 200).path("total").asLong()).isEqualTo(3);
        assertThat(get("/api/v1/runs?priority=4", bob, 200).path("total").asLong()).isEqualTo(1);
        assertThat(get("/api/v1/runs?job_id=system/echo&user=bob", bob, 200).path("total").asLong()).isEqualTo(5);
        get("/api/v1/runs?status=bogus", bob, 400);
        get("/api/v1/runs?limit=5000", bob, 400);
        get("/api/v1/runs?from=yesterday", bob, 400);
        JsonNode dry = post("/api/v1/runs/cancel-all?dry_run=true&tags=t1", bob, "{}", 200);
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        // only the two t1 runs can match, and only while they are not finished yet (echo runs end quickly);
        // exact counts of bulk control are in CommandJobTest with runs that keep running
        assertThat(dry.path("count").asLong()).isBetween(0L, 2L);
        assertThat(dry.path("results").size()).isZero();
    }
}
