package io.runstream.job;

import io.runstream.platform.test.KraftBroker;
import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.runstream.job.JobServiceTestSupport.awaitStatus;
import static io.runstream.job.JobServiceTestSupport.createRun;
import static io.runstream.job.JobServiceTestSupport.run;
import static io.runstream.job.JobServiceTestSupport.sse;
import static io.runstream.job.JobServiceTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stopped while runs are created, then restarted: the API keeps accepting runs (they wait in the outbox),
 * and once Kafka is back every run executes and every event arrives on the live stream, once, in order.
 */
@RealInfrastructure(restartableKafka = true)
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@TestPropertySource(properties = {
        // a producer waiting for a broker that is gone gives up quickly; the outbox relay retries the batch
        "spring.kafka.producer.properties.max.block.ms=2000",
        "spring.kafka.producer.properties.delivery.timeout.ms=5000",
        "spring.kafka.producer.properties.request.timeout.ms=2000",
        "runstream.outbox.send-timeout=6s"})
class KafkaOutageTest {

    private final String alice = token("alice", "acme");

    @Autowired
    WebTestClient web;
    @Autowired
    KraftBroker kafka;

    @Test
    void runsCreatedWhileKafkaIsDown_allExecuteAndStreamEveryEventOnce_afterKafkaReturns() throws IOException {
        String before = createRun(web, alice, "system/echo", "{\"message\":\"before\"}");
        awaitStatus(web, alice, before, "completed", Duration.ofSeconds(60));

        List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
        List<String> during = new ArrayList<>();
        var subscription = sse(web, "/api/v1/events/runs?job_id=system/echo", alice, null).subscribe(events::add);
        try {
            kafka.stop();
            for (int i = 0; i < 5; i++) {
                during.add(createRun(web, alice, "system/echo", "{\"message\":\"during " + i + "\"}"));
            }
            // accepted and visible, but no executor has heard of them while Kafka is away
            for (String runId : during) {
                assertThat(run(web, alice, runId).path("status").asString()).isEqualTo("pending");
            }
            // run.created is stored and streamed without Kafka: the stream is fed from the database
            await().atMost(Duration.ofSeconds(20)).until(() -> during.stream().allMatch(runId -> count(events, runId, "run.created") == 1));

            kafka.restart();
            for (String runId : during) {
                assertThat(awaitStatus(web, alice, runId, "completed", Duration.ofSeconds(90)).path("result").path("value").path("message")
                        .asString()).startsWith("during");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> during.stream()
                    .allMatch(runId -> count(events, runId, "run.finished") == 1));
        } finally {
            subscription.dispose();
            kafka.restart();
        }
        for (String runId : during) {
            for (String type : List.of("run.created", "run.started", "run.finished")) {
                assertThat(count(events, runId, type)).as(type + " of " + runId).isEqualTo(1);
            }
        }
        List<Long> ids = events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id())).toList();
        assertThat(ids).as("ids strictly increase: nothing repeated or reordered").isSorted().doesNotHaveDuplicates();
    }

    private static long count(List<ServerSentEvent<String>> events, String runId, String type) {
        return events.stream().filter(e -> type.equals(e.event()) && e.data().contains("\"run_id\":\"" + runId + "\"")).count();
    }
}
