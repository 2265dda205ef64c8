package io.runstream.job;

import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
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

/** Command jobs registered over HTTP and run as local processes by job-service. */
@RealInfrastructure
@DirtiesContext // frees this class's consumers and pools for the next class on a small machine
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@TestPropertySource(properties = {"runstream.job.executor.sample-interval=200ms", "runstream.job.executor.heartbeat-interval=1s"})
class CommandJobTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String alice = token("alice", "acme");

    @Autowired
    WebTestClient web;

    private JsonNode send(String method, String uri, String token, String body, int status) {
        var spec = web.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri).header("Authorization", token);
        var exchange = body == null ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
        byte[] answer = exchange.expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody();
        return answer == null || answer.length == 0 ? null : JSON.readTree(answer);
    }

    private void register(String id, String command, String extra) {
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"" + id + "\",\"command\":" + command + extra + "}", 201);
    }

    private String run(String jobId, String args) {
        return JobServiceTestSupport.createRun(web, alice, jobId, args);
    }

    private String taggedRun(String jobId, String tag) {
        return send("POST", "/api/v1/runs", alice, "{\"job_id\":\"" + jobId + "\",\"args\":{},\"tags\":[\"" + tag + "\"]}", 201)
                .path("run_id").asString();
    }

    private JsonNode awaitStatus(String runId, String status) {
        return JobServiceTestSupport.awaitStatus(web, alice, runId, status, Duration.ofSeconds(40));
    }

    @Test
    void commandJob_streamsLogs_writesResultAndArtifacts_andSamplesMetrics() {
        register("team/report", "\"echo \\\"INFO starting $ARG_NAME\\\"; echo \\\"ERROR disk almost full\\\" >&2; sleep 1; "
                        + "echo '{\\\"answer\\\": 42}' > \\\"$RUNSTREAM_RESULT_FILE\\\"; "
                        + "mkdir -p \\\"$RUNSTREAM_ARTIFACTS_DIR/sub\\\"; printf 'hello' > \\\"$RUNSTREAM_ARTIFACTS_DIR/sub/out.txt\\\"\"",
                ",\"args_schema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}");
        JsonNode job = send("GET", "/api/v1/jobs/team/report", alice, null, 200);
        assertThat(job.path("kind").asString()).isEqualTo("command");
        send("POST", "/api/v1/runs", alice, "{\"job_id\":\"team/report\",\"args\":{}}", 400);

        String runId = run("team/report", "{\"name\":\"weekly\"}");
        List<ServerSentEvent<String>> logs = sse(web, "/api/v1/runs/" + runId + "/logs?follow=true", alice, null)
                .collectList().block(Duration.ofSeconds(40));
        assertThat(logs).extracting(ServerSentEvent::event).containsExactly("log", "log", "end");
        assertThat(logs.get(0).data() + logs.get(1).data()).contains("starting weekly").contains("\"level\":\"error\"");

        JsonNode done = awaitStatus(runId, "completed");
        assertThat(done.path("result").path("value").path("answer").asInt()).isEqualTo(42);
        JsonNode errors = send("GET", "/api/v1/runs/" + runId + "/logs?level=error", alice, null, 200);
        assertThat(errors.path("logs").size()).isEqualTo(1);
        // follow honours the level filter too (here replaying the finished run, then the final event)
        List<ServerSentEvent<String>> errorLines = sse(web, "/api/v1/runs/" + runId + "/logs?follow=true&level=ERROR",
                alice, null).collectList().block(Duration.ofSeconds(40));
        assertThat(errorLines).extracting(ServerSentEvent::event).containsExactly("log", "end");
        assertThat(errorLines.get(0).data()).contains("disk almost full");
        web.get().uri("/api/v1/runs/" + runId + "/logs?follow=true").header("Authorization", alice)
                .accept(org.springframework.http.MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(org.springframework.http.MediaType.TEXT_EVENT_STREAM);

        JsonNode artifacts = send("GET", "/api/v1/artifacts?run_id=" + runId, alice, null, 200).path("artifacts");
        assertThat(artifacts.size()).isEqualTo(1);
        assertThat(artifacts.get(0).path("name").asString()).isEqualTo("sub/out.txt");
        String id = artifacts.get(0).path("id").asString();
        web.get().uri("/api/v1/artifacts/" + id).header("Authorization", alice).exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.TEXT_PLAIN).expectHeader().contentLength(5)
                .expectBody(String.class).isEqualTo("hello");
        web.get().uri("/api/v1/artifacts/" + id).header("Authorization", token("eve", "other")).exchange()
                .expectStatus().isNotFound();

        JsonNode metrics = send("GET", "/api/v1/runs/" + runId + "/metrics", alice, null, 200).path("metrics");
        assertThat(metrics.path("memory").size()).isPositive();
        assertThat(send("GET", "/api/v1/metrics/memory?run_id=" + runId, alice, null, 200).path("points").size()).isPositive();
        assertThat(done.path("cost").path("total_cost").isNumber()).isTrue();

        send("DELETE", "/api/v1/runs/" + runId, alice, null, 204);
        send("GET", "/api/v1/artifacts/" + id, alice, null, 404);
    }

    /** pause-all, resume-all and cancel-all by filter: a dry run only counts; another tenant's runs are never touched. */
    @Test
    void bulkControl_byTag_pausesResumesAndCancelsExactlyTheMatchingRuns() {
        register("team/bulk-loop", "[\"sh\", \"-c\", \"while true; do sleep 0.2; done\"]", "");
        String first = taggedRun("team/bulk-loop", "bulk");
        String second = taggedRun("team/bulk-loop", "bulk");
        String other = taggedRun("team/bulk-loop", "keep");
        for (String runId : List.of(first, second, other)) {
            awaitStatus(runId, "running");
        }

        JsonNode dry = send("POST", "/api/v1/runs/pause-all?tags=bulk&dry_run=true", alice, null, 200);
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(dry.path("count").asLong()).isEqualTo(2);
        assertThat(send("GET", "/api/v1/runs/" + first, alice, null, 200).path("status").asString()).isEqualTo("running");
        // the same filter in another tenant matches nothing
        String stranger = token("mallory", "umbrella");
        assertThat(send("POST", "/api/v1/runs/pause-all?tags=bulk", stranger, null, 200).path("count").asLong()).isZero();

        JsonNode paused = send("POST", "/api/v1/runs/pause-all?tags=bulk", alice, null, 200);
        assertThat(paused.path("count").asLong()).isEqualTo(2);
        List<String> pausedIds = new java.util.ArrayList<>();
        paused.path("results").forEach(result -> pausedIds.add(result.path("run_id").asString()));
        assertThat(pausedIds).containsExactlyInAnyOrder(first, second);
        awaitStatus(first, "paused");
        awaitStatus(second, "paused");
        assertThat(send("GET", "/api/v1/runs/" + other, alice, null, 200).path("status").asString()).isEqualTo("running");

        assertThat(send("POST", "/api/v1/runs/resume-all?tags=bulk", alice, null, 200).path("count").asLong()).isEqualTo(2);
        awaitStatus(first, "running");
        awaitStatus(second, "running");

        JsonNode cancelled = send("POST", "/api/v1/runs/cancel-all?tags=bulk", alice, null, 200);
        assertThat(cancelled.path("count").asLong()).isEqualTo(2);
        awaitStatus(first, "cancelled");
        awaitStatus(second, "cancelled");
        assertThat(send("GET", "/api/v1/runs/" + other, alice, null, 200).path("status").asString()).isEqualTo("running");
        send("POST", "/api/v1/runs/" + other + "/cancel", alice, null, 200);
        send("POST", "/api/v1/runs/pause-all?status=nonsense", alice, null, 400);
    }

    @Test
    void commandJob_pauseResumeAndCancel_controlTheProcess() {
        register("team/loop", "[\"sh\", \"-c\", \"i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done\"]", "");
        String runId = run("team/loop", "{}");
        awaitStatus(runId, "running");
        send("POST", "/api/v1/runs/" + runId + "/pause", alice, null, 202);
        awaitStatus(runId, "paused");
        long frozen = send("GET", "/api/v1/runs/" + runId + "/logs?limit=1000", alice, null, 200).path("logs").size();
        await().pollDelay(Duration.ofMillis(1200)).until(() -> true);
        long stillFrozen = send("GET", "/api/v1/runs/" + runId + "/logs?limit=1000", alice, null, 200).path("logs").size();
        assertThat(stillFrozen).isLessThanOrEqualTo(frozen + 1); // a line in flight may still land
        send("POST", "/api/v1/runs/" + runId + "/pause", alice, null, 409);
        send("POST", "/api/v1/runs/" + runId + "/resume", alice, null, 202);
        awaitStatus(runId, "running");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                send("GET", "/api/v1/runs/" + runId + "/logs?limit=1000", alice, null, 200).path("logs").size() > stillFrozen + 2);
        JsonNode cancelled = send("POST", "/api/v1/runs/" + runId + "/cancel", alice, null, 200);
        assertThat(cancelled.path("status").asString()).isEqualTo("cancelled");
        // the process tree is gone: the output stops (lines already on their way may still be stored)
        long[] previous = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1500)).until(() -> {
            long now = send("GET", "/api/v1/runs/" + runId + "/logs?limit=1000", alice, null, 200).path("logs").size();
            boolean stable = now == previous[0];
            previous[0] = now;
            return stable;
        });
    }

    @Test
    void commandJob_exitCodeAndExpiry_failTheRun() {
        register("team/broken", "\"echo failing; exit 3\"", "");
        register("team/slow", "\"sleep 30\"", ",\"expires\":\"1s\"");
        String broken = run("team/broken", "{}");
        String slow = run("team/slow", "{}");
        assertThat(awaitStatus(broken, "failed").path("error").path("code").asString()).isEqualTo("exit_code");
        assertThat(awaitStatus(slow, "failed").path("error").path("code").asString()).isEqualTo("expired");
    }

    @Test
    void registerJob_badInput_answersProblems() {
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"team/x\"}", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"Not An Id\",\"command\":\"true\"}", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"team/x\",\"command\":\"true\",\"args_schema\":{\"type\":12}}", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"team/x\",\"command\":\"true\",\"expires\":\"soon\"}", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"team/x\",\"command\":\"true\",\"env\":{\"RUNSTREAM_X\":\"1\"}}", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"team/x\",\"command\":[1,2]}", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":", 400);
        send("POST", "/api/v1/jobs", alice, "{\"id\":\"system/echo\",\"command\":\"true\"}", 409);
        send("POST", "/api/v1/jobs", token("viewer", "acme", "runs:read"), "{\"id\":\"team/x\",\"command\":\"true\"}", 403);
        send("DELETE", "/api/v1/jobs/system/echo", alice, null, 409);
        send("DELETE", "/api/v1/jobs/team/none", alice, null, 404);
        register("team/temp", "\"true\"", "");
        send("GET", "/api/v1/jobs/team/temp", token("eve", "other"), null, 404);
        send("DELETE", "/api/v1/jobs/team/temp", alice, null, 204);
        send("GET", "/api/v1/jobs/team/temp", alice, null, 404);
        JsonNode info = send("GET", "/api/v1/system/info", alice, null, 200);
        assertThat(info.path("executors").findValuesAsString("name")).contains("job-service");
    }
}
