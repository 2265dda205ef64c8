package io.runstream.job;

import io.runstream.job.stream.StreamService;
import io.micrometer.core.instrument.MeterRegistry;
import io.runstream.platform.test.RealInfrastructure;
import io.runstream.platform.test.TestTokens;
import io.runstream.platform.web.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.runstream.job.JobServiceTestSupport.sse;
import static io.runstream.job.JobServiceTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SSE streams: resume with Last-Event-ID (also on a freshly started instance), 410, limits, log follow. */
@RealInfrastructure
@DirtiesContext // frees this class's consumers and pools for the next class on a small machine
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@TestPropertySource(properties = {"runstream.job.stream.max-streams-per-user=3", "runstream.job.stream.max-streams=5",
        "runstream.job.stream.heartbeat=1s"})
class StreamResumeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String alice = token("alice", "acme");

    @Autowired
    WebTestClient web;
    @Autowired
    Environment environment;
    @Autowired
    DatabaseClient db;
    @Autowired
    StreamService streams;
    @Autowired
    MeterRegistry meters;

    private String createEcho(WebTestClient client, String message) {
        return JobServiceTestSupport.createRun(client, alice, "system/echo", "{\"message\":\"" + message + "\"}");
    }

    private void awaitCompleted(String runId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode run = JSON.readTree(web.get().uri("/api/v1/runs/" + runId).header("Authorization", alice).exchange()
                    .expectBody().returnResult().getResponseBody());
            assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("completed");
        });
    }

    /** The ids of every durable event of the tenant after {@code after}, as the database holds them. */
    private List<Long> storedIdsAfter(long after) {
        return db.sql("select pos from run_event where tenant_id = 'acme' and pos > :after and type <> 'run.progress' order by pos")
                .bind("after", after).map(row -> row.get("pos", Long.class)).all().collectList().block();
    }

    @Test
    void reconnectWithLastEventId_onAFreshInstance_receivesEveryMissedEventOnceInOrder() {
        List<ServerSentEvent<String>> first = new CopyOnWriteArrayList<>();
        var subscription = sse(web, "/api/v1/events/runs", alice, null).subscribe(first::add);
        String r1 = createEcho(web, "one");
        // the output line travels on the log topic and may be stored after run.finished: wait for both
        await().atMost(Duration.ofSeconds(30)).until(() -> first.stream()
                .filter(e -> e.data() != null && e.data().contains(r1)).map(ServerSentEvent::event).toList()
                .containsAll(List.of("run.output", "run.finished")));
        subscription.dispose();
        String lastSeen = first.get(first.size() - 1).id();

        // missed while disconnected
        String r2 = createEcho(web, "two");
        String r3 = createEcho(web, "three");
        awaitCompleted(r2);
        awaitCompleted(r3);
        await().atMost(Duration.ofSeconds(10)).until(() -> storedIdsAfter(Long.parseLong(lastSeen)).size() >= 8);
        List<Long> missed = storedIdsAfter(Long.parseLong(lastSeen));

        // a second instance started now (a restarted or another replica) serves the resume
        try (ConfigurableApplicationContext other = startAnotherInstance()) {
            String port = other.getEnvironment().getProperty("local.server.port");
            WebTestClient otherWeb = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                    .responseTimeout(Duration.ofSeconds(30)).build();
            List<ServerSentEvent<String>> resumed = new CopyOnWriteArrayList<>();
            var again = sse(otherWeb, "/api/v1/events/runs", alice, lastSeen).subscribe(resumed::add);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() >= missed.size());
                String r4 = createEcho(otherWeb, "four");
                // the new instance joins the consumer groups: a rebalance may delay the run a little (the
                // projection appends run.finished to the stream when it applies it, so this also means completed)
                await().atMost(Duration.ofSeconds(90)).until(() -> resumed.stream()
                        .anyMatch(e -> "run.finished".equals(e.event()) && e.data().contains(r4)));
                List<Long> ids = resumed.stream().map(e -> Long.parseLong(e.id())).toList();
                assertThat(ids.subList(0, missed.size())).isEqualTo(missed);
                assertThat(ids).isSorted().doesNotHaveDuplicates();
                assertThat(ids.get(0)).isGreaterThan(Long.parseLong(lastSeen));
                assertThat(resumed.stream().map(ServerSentEvent::data).filter(d -> d.contains(r1))).isEmpty();
                assertThat(resumed.stream().filter(e -> e.data().contains(r2)).map(ServerSentEvent::event).toList())
                        .contains("run.created", "run.started", "run.output", "run.finished");
            } finally {
                again.dispose();
            }
            // stopping the instance ends its open streams with a final event instead of holding shutdown
            List<ServerSentEvent<String>> open = new CopyOnWriteArrayList<>();
            var lingering = sse(otherWeb, "/api/v1/events/runs", alice, null).subscribe(open::add, error -> { });
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    other.getBean(io.runstream.job.stream.StreamService.class).openStreams() > 0);
            long start = System.nanoTime();
            other.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(5)).until(() -> open.stream().anyMatch(e -> "end".equals(e.event())
                    && e.data().contains("shutdown")));
            lingering.dispose();
        }
    }

    private ConfigurableApplicationContext startAnotherInstance() {
        List<String> properties = new ArrayList<>(List.of("--server.port=0"));
        for (String name : List.of("spring.r2dbc.url", "spring.r2dbc.username", "spring.r2dbc.password", "spring.flyway.url",
                "spring.flyway.user", "spring.flyway.password", "spring.kafka.bootstrap-servers",
                "runstream.kafka.topic-prefix", "runstream.security.jwks-uri", "runstream.storage.root")) {
            String value = environment.getProperty(name);
            if (value != null) {
                properties.add("--" + name + "=" + value);
            }
        }
        // its own consumer groups, so that its start does not stall the first instance with rebalances on this
        // small machine; both apply every event once through the shared processed_event log
        properties.add("--spring.kafka.consumer.group-id=" + environment.getProperty("spring.kafka.consumer.group-id") + "-b");
        // command-line arguments: they outrank application.yml as the test's own properties do
        return new SpringApplicationBuilder(JobServiceApplication.class).run(properties.toArray(String[]::new));
    }

    @Test
    void runStream_replaysFromTheStart_andEndsWithTheRun() {
        String runId = createEcho(web, "whole");
        awaitCompleted(runId);
        List<ServerSentEvent<String>> events = sse(web, "/api/v1/events/runs?run_id=" + runId, alice, "0")
                .collectList().block(Duration.ofSeconds(30));
        // run.output travels on the log topic and may be stored before run.started
        assertThat(events).extracting(ServerSentEvent::event)
                .containsExactlyInAnyOrder("run.created", "run.started", "run.output", "run.finished", "end");
        assertThat(events.get(0).event()).isEqualTo("run.created");
        assertThat(events.get(4).event()).isEqualTo("end");
        assertThat(events.get(4).id()).isNull();

        List<ServerSentEvent<String>> logs = sse(web, "/api/v1/runs/" + runId + "/logs?follow=true", alice, null)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(logs).extracting(ServerSentEvent::event).containsExactly("log", "end");
        assertThat(logs.get(0).data()).contains("\"message\":\"whole\"").contains("\"level\":\"info\"");

        JsonNode page = JSON.readTree(web.get().uri("/api/v1/runs/" + runId + "/logs").header("Authorization", alice)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(page.path("logs").get(0).path("message").asString()).isEqualTo("whole");
        long next = page.path("next_offset").asLong();
        assertThat(JSON.readTree(web.get().uri("/api/v1/runs/" + runId + "/logs?follow=false").header("Authorization", alice)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody()).path("logs").size()).isEqualTo(1);
        assertThat(JSON.readTree(web.get().uri("/api/v1/runs/" + runId + "/logs?offset=" + next).header("Authorization", alice)
                .exchange().expectBody().returnResult().getResponseBody()).path("logs").size()).isZero();
        web.get().uri("/api/v1/runs/" + runId + "/logs?limit=0").header("Authorization", alice).exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void badAndExpiredCursors_unknownRuns_andTooManyStreams_answerProblems() {
        web.get().uri("/api/v1/events/runs").header("Authorization", alice).header("Last-Event-ID", "abc")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isBadRequest();
        web.get().uri("/api/v1/events/runs?run_id=run_nope").header("Authorization", alice)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isNotFound();
        String runId = createEcho(web, "old");
        awaitCompleted(runId);
        web.get().uri("/api/v1/runs/" + runId).header("Authorization", token("eve", "elsewhere")).exchange()
                .expectStatus().isNotFound();
        web.get().uri("/api/v1/runs/" + runId + "/logs?follow=true").header("Authorization", token("eve", "elsewhere"))
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isNotFound();

        db.sql("update stream_retention set purged_below = 1000000 where id = 1").then().block();
        try {
            JsonNode gone = JSON.readTree(web.get().uri("/api/v1/events/runs?run_id=" + runId).header("Authorization", alice)
                    .header("Last-Event-ID", "1").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                    .expectStatus().isEqualTo(410).expectBody().returnResult().getResponseBody());
            assertThat(gone.path("run").path("status").asString()).isEqualTo("completed");
        } finally {
            db.sql("update stream_retention set purged_below = 0 where id = 1").then().block();
        }

        String bob = token("bob", "acme");
        List<reactor.core.Disposable> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(sse(web, "/api/v1/events/runs", bob, null).subscribe());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/api/v1/events/runs")
                    .header("Authorization", bob).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                    .expectStatus().isEqualTo(429));
        } finally {
            open.forEach(reactor.core.Disposable::dispose);
        }
    }

    @Test
    void aFullReplica_answers503_untilAStreamCloses() {
        String erin = token("erin", "acme");
        List<reactor.core.Disposable> open = new ArrayList<>();
        try {
            // three of carol's and two of dave's: each within the per-user limit, together the replica's five
            for (String user : List.of("carol", "carol", "carol", "dave", "dave")) {
                open.add(sse(web, "/api/v1/events/runs", token(user, "acme"), null).subscribe());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri("/api/v1/events/runs")
                    .header("Authorization", erin).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo(Problems.TYPE_BASE + "stream-capacity"));
            assertThat(streams.openStreams()).isEqualTo(5);
        } finally {
            open.forEach(reactor.core.Disposable::dispose);
        }
        // closed streams give their places back
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                sse(web, "/api/v1/events/runs", erin, null).subscribe().dispose());
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 0);
    }

    @Test
    void idleStreams_getACommentHeartbeat_everyInterval() {
        long start = System.nanoTime();
        List<ServerSentEvent<String>> heartbeats = web.mutate().responseTimeout(Duration.ofSeconds(10)).build()
                .get().uri("/api/v1/events/runs?job_id=nobody/runs-this").header("Authorization", alice)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                .returnResult(JobServiceTestSupport.SSE).getResponseBody()
                .filter(event -> "heartbeat".equals(event.comment()))
                .take(2).collectList().block(Duration.ofSeconds(10));
        assertThat(heartbeats).hasSize(2);
        // heartbeat=1s here: two of them take at least one interval (the first may come at once after opening)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    /**
     * The streams are served ahead of Spring Security's filter chain (StreamEndpoints): every check that chain and
     * the controllers made must still hold, on both stream endpoints.
     */
    @Test
    void streams_checkTokenPermissionAndParameters_andAnswerWithTheSecurityHeaders() {
        String runId = createEcho(web, "guarded");
        List<String> refused = List.of("", "Basic YWxpY2U6c2VjcmV0", "Bearer not a token",
                TestTokens.bearer(TestTokens.user("alice").tenant("acme").permissions("runs:read").expiresIn(Duration.ofMinutes(-5)).sign()),
                TestTokens.bearer(TestTokens.user("alice").tenant("acme").permissions("runs:read").signWithUnknownKey()),
                TestTokens.bearer(TestTokens.user("alice").tenant("acme").permissions("runs:read").unsigned()),
                TestTokens.bearer(TestTokens.user("alice").tenant("acme").permissions("runs:read").audience("elsewhere").sign()),
                TestTokens.bearer(TestTokens.user("alice").tenant("acme").permissions("runs:read").issuer("mallory").sign()));
        for (String path : List.of("/api/v1/events/runs", "/api/v1/runs/" + runId + "/logs?follow=true")) {
            for (String authorization : refused) {
                var request = web.get().uri(path).accept(MediaType.TEXT_EVENT_STREAM);
                if (!authorization.isEmpty()) {
                    request = request.header("Authorization", authorization);
                }
                request.exchange().expectStatus().isUnauthorized()
                        .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
                        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody().jsonPath("$.status").isEqualTo(401).jsonPath("$.instance").isEqualTo(path.replaceAll("\\?.*", ""));
            }
            web.get().uri(path).header("Authorization", token("walt", "acme", "runs:write")).accept(MediaType.TEXT_EVENT_STREAM)
                    .exchange().expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().doesNotExist("WWW-Authenticate");
        }
        web.get().uri("/api/v1/runs/" + runId + "/logs?follow=true&offset=ten").header("Authorization", alice)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("offset");
        web.get().uri("/api/v1/runs/" + runId + "/logs?follow=true&since=yesterday").header("Authorization", alice)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("since");
        web.get().uri("/api/v1/events/runs?last_event_id=-4").header("Authorization", alice)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isBadRequest();
        // a control character (C1 NEL) in a header the stream reads is refused by the strict firewall
        web.get().uri("/api/v1/events/runs").header("Authorization", alice).header("Last-Event-ID", "1\u0085")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).startsWith("The request was rejected"));
        // the events stream is GET only
        web.post().uri("/api/v1/events/runs").header("Authorization", alice).exchange()
                .expectStatus().isEqualTo(405).expectHeader().valueEquals("Allow", "GET")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        // without follow=true the log endpoint is the page, served by its controller
        web.get().uri("/api/v1/runs/" + runId + "/logs?follow=false").header("Authorization", alice).exchange()
                .expectStatus().isOk().expectHeader().contentType(MediaType.APPLICATION_JSON);

        var open = web.mutate().responseTimeout(Duration.ofSeconds(30)).build().get().uri("/api/v1/events/runs")
                .header("Authorization", alice).header("X-Request-Id", "stream-check-1").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectHeader().valueEquals("Cache-Control", "no-cache")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("X-Request-Id", "stream-check-1")
                .returnResult(byte[].class);
        // the headers are in: the stream is registered (reading its first frame below then closes it)
        assertThat(meters.get("runstream.job.streams.open").gauge().value()).isGreaterThanOrEqualTo(1)
                .isEqualTo(streams.openStreams());
        assertThat(new String(open.getResponseBody().blockFirst(Duration.ofSeconds(10)), StandardCharsets.UTF_8))
                .startsWith(":stream open");
        // streams are not timed as requests; the other endpoints still are
        assertThat(meters.find("http.server.requests").timers())
                .noneMatch(timer -> String.valueOf(timer.getId().getTag("uri")).contains("events"))
                .anyMatch(timer -> "/api/v1/runs/{runId}/logs".equals(timer.getId().getTag("uri")));
    }
}
