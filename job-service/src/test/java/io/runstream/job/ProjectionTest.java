package io.runstream.job;

import io.micrometer.core.instrument.MeterRegistry;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.run.RunStatus;
import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.runstream.job.JobServiceTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The projection against events as other services publish them: transitions, redelivery, stale events, leases. */
@RealInfrastructure
@DirtiesContext // frees this class's consumers and pools for the next class on a small machine
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@TestPropertySource(properties = "runstream.job.lease.check-interval=300ms")
class ProjectionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SOURCE = "/runstream/test-executor";
    private final String alice = token("alice", "acme");

    @Autowired
    WebTestClient web;
    @Autowired
    KafkaTemplate<Object, Object> kafka;
    @Autowired
    Topics topics;
    @Autowired
    EventCodec codec;
    @Autowired
    DatabaseClient db;
    @Autowired
    MeterRegistry meters;

    private void publish(String topic, EventEnvelope event) {
        kafka.send(topic, event.subject() == null ? event.id() : event.subject(), codec.write(event)).join();
    }

    private EventEnvelope event(String type, String runId, Object payload) {
        return codec.event(SOURCE, type, runId, "acme", payload);
    }

    private void registerJob(String id, int maxAttempts, int leaseSeconds) {
        var registered = new RunEvents.JobRegistered(id, "2.0.0", "a test job",
                JSON.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}"),
                "test-executor", "test-service", maxAttempts, leaseSeconds, null);
        publish(topics.jobDefinitions(), codec.event(SOURCE, EventTypes.JOB_REGISTERED, null, null, registered));
        await().atMost(Duration.ofSeconds(30)).until(() -> web.get().uri("/api/v1/jobs/" + id)
                .header("Authorization", alice).exchange().returnResult(String.class).getStatus().value() == 200);
    }

    private JsonNode run(String runId) {
        return JobServiceTestSupport.run(web, alice, runId);
    }

    private String create(String jobId) {
        return JobServiceTestSupport.createRun(web, alice, jobId, "{\"n\":1}");
    }

    private long streamed(String runId) {
        return db.sql("select count(*) as n from run_event where run_id = :id").bind("id", runId)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    private double rejected() {
        return meters.find("runstream.job.projection.rejected").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private void awaitStatus(String runId, String status) {
        JobServiceTestSupport.awaitStatus(web, alice, runId, status, Duration.ofSeconds(30));
    }

    @Test
    void registeredJob_isUpserted_andItsRunsFollowTheStateMachine_ignoringRedeliveredAndIllegalEvents() {
        registerJob("test/steps", 1, 60);
        assertThat(JSON.readTree(web.get().uri("/api/v1/jobs?source=test-service").header("Authorization", alice)
                .exchange().expectBody().returnResult().getResponseBody()).path("jobs").get(0).path("version").asString())
                .isEqualTo("2.0.0");
        String runId = create("test/steps");
        assertThat(run(runId).path("status").asString()).isEqualTo("pending");

        EventEnvelope started = event(EventTypes.RUN_STARTED, runId, new RunEvents.RunStarted(runId, 1, "test-executor", 60));
        publish(topics.runEvents(), started);
        awaitStatus(runId, "running");
        publish(topics.runEvents(), started); // redelivered: same id
        publish(topics.runEvents(), event(EventTypes.STEP_STARTED, runId, new RunEvents.StepStarted(runId, "s1", "load")));
        publish(topics.runEvents(), event(EventTypes.RUN_PROGRESS, runId,
                new RunEvents.RunProgress(runId, 0.5, "half", java.util.Map.of("loss", 0.25))));
        publish(topics.runEvents(), event(EventTypes.RUN_PAUSED, runId, new RunEvents.RunPaused(runId)));
        awaitStatus(runId, "paused");
        double before = rejected();
        // illegal: a paused run cannot start again nor complete
        publish(topics.runEvents(), event(EventTypes.RUN_STARTED, runId, new RunEvents.RunStarted(runId, 1, "test-executor", 60)));
        publish(topics.runEvents(), event(EventTypes.RUN_FINISHED, runId,
                new RunEvents.RunFinished(runId, RunStatus.COMPLETED, null, null)));
        await().atMost(Duration.ofSeconds(20)).until(() -> rejected() >= before + 2);
        assertThat(run(runId).path("status").asString()).isEqualTo("paused");

        publish(topics.runEvents(), event(EventTypes.RUN_RESUMED, runId, new RunEvents.RunResumed(runId)));
        publish(topics.runEvents(), event(EventTypes.STEP_FINISHED, runId,
                new RunEvents.StepFinished(runId, "s1", "load", RunStatus.COMPLETED, null)));
        publish(topics.runEvents(), event(EventTypes.RUN_FINISHED, runId,
                new RunEvents.RunFinished(runId, RunStatus.COMPLETED, JSON.readTree("{\"rows\":3}"), null)));
        awaitStatus(runId, "completed");
        // the first terminal state wins; a late failure changes nothing
        publish(topics.runEvents(), event(EventTypes.RUN_FINISHED, runId,
                new RunEvents.RunFinished(runId, RunStatus.FAILED, null, new RunEvents.RunError("late", "too late"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> rejected() >= before + 3);

        JsonNode done = run(runId);
        assertThat(done.path("status").asString()).isEqualTo("completed");
        assertThat(done.path("result").path("value").path("rows").asInt()).isEqualTo(3);
        assertThat(done.path("metrics").path("loss").asDouble()).isEqualTo(0.25);
        assertThat(done.path("steps").get(0).path("status").asString()).isEqualTo("completed");
        // created, started, step.started, progress, paused, resumed, step.finished, finished: each exactly once
        assertThat(streamed(runId)).isEqualTo(8);
    }

    @Test
    void staleEventOfAnEarlierAttempt_changesNothing() {
        registerJob("test/stale", 1, 60);
        String runId = create("test/stale");
        publish(topics.runEvents(), event(EventTypes.RUN_STARTED, runId, new RunEvents.RunStarted(runId, 1, "test-executor", 60)));
        awaitStatus(runId, "running");
        web.post().uri("/api/v1/runs/" + runId + "/cancel").header("Authorization", alice).exchange().expectStatus().isOk();
        web.post().uri("/api/v1/runs/" + runId + "/retry").header("Authorization", alice).exchange().expectStatus().isAccepted();
        awaitStatus(runId, "pending");
        long streamedBefore = streamed(runId);
        double before = rejected();
        // attempt 1's executor reports late: its start and its cancellation must not touch attempt 2
        publish(topics.runEvents(), event(EventTypes.RUN_STARTED, runId, new RunEvents.RunStarted(runId, 1, "test-executor", 60)));
        EventEnvelope oldFinish = new EventEnvelope(null, java.util.UUID.randomUUID().toString(), SOURCE, EventTypes.RUN_FINISHED,
                runId, Instant.now().minusSeconds(30), null, "acme",
                codec.toData(new RunEvents.RunFinished(runId, RunStatus.CANCELLED, null, null)));
        publish(topics.runEvents(), oldFinish);
        await().atMost(Duration.ofSeconds(20)).until(() -> rejected() >= before + 2);
        JsonNode run = run(runId);
        assertThat(run.path("status").asString()).isEqualTo("pending");
        assertThat(run.path("attempt").asInt()).isEqualTo(2);
        assertThat(streamed(runId)).isEqualTo(streamedBefore);
    }

    @Test
    void runWhoseHeartbeatsStop_failsAfterItsLease_orIsRetriedWhenAttemptsRemain() {
        registerJob("test/lease", 1, 2);
        registerJob("test/lease-retry", 2, 2);
        String failing = create("test/lease");
        String retried = create("test/lease-retry");
        for (String runId : List.of(failing, retried)) {
            publish(topics.runEvents(), event(EventTypes.RUN_STARTED, runId, new RunEvents.RunStarted(runId, 1, "test-executor", 2)));
        }
        awaitStatus(failing, "running");
        // heartbeats keep a run alive past its lease
        for (int i = 0; i < 4; i++) {
            publish(topics.runEvents(), event(EventTypes.RUN_HEARTBEAT, failing,
                    new RunEvents.RunHeartbeat(failing, 1, "test-executor", 2)));
            await().pollDelay(Duration.ofMillis(700)).until(() -> true);
        }
        assertThat(run(failing).path("status").asString()).isEqualTo("running");
        awaitStatus(failing, "failed");
        JsonNode failed = run(failing);
        assertThat(failed.path("error").path("code").asString()).isEqualTo("lease_expired");
        assertThat(failed.path("error").path("message").asString()).contains("test-executor");

        await().atMost(Duration.ofSeconds(30)).until(() -> run(retried).path("attempt").asInt() == 2);
        JsonNode again = run(retried);
        assertThat(again.path("status").asString()).isEqualTo("pending");
        assertThat(again.path("attempts").get(0).path("status").asString()).isEqualTo("failed");
    }
}
