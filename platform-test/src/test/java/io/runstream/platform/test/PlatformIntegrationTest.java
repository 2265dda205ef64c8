package io.runstream.platform.test;


import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.ProcessedEvents;
import io.runstream.platform.security.ServiceTokens;
import io.runstream.platform.test.demo.DemoApplication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = DemoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
@RealInfrastructure
class PlatformIntegrationTest {

    @Autowired
    WebTestClient web;
    @Autowired
    Topics topics;
    @Autowired
    DemoApplication.NoteService notes;
    @Autowired
    DemoApplication.EventLog eventLog;
    @Autowired
    ProcessedEvents processedEvents;
    @Autowired
    ServiceTokens serviceTokens;
    @Autowired
    KafkaOperations<Object, Object> kafka;
    @Autowired
    org.springframework.core.env.Environment environment;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private final String alice = TestTokens.bearer(TestTokens.user("alice").tenant("acme").sign());

    @Test
    void createdNote_isCommitted_andItsEventReachesKafkaAfterwards() {
        var note = web.post().uri("/api/v1/notes").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "hello"))
                .exchange().expectStatus().isOk()
                .expectBody(DemoApplication.Note.class).returnResult().getResponseBody();

        assertThat(note).isNotNull();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(eventLog.received)
                .anySatisfy(event -> {
                    assertThat(event.subject()).isEqualTo("note-" + note.id());
                    assertThat(event.tenant()).isEqualTo("acme");
                    assertThat(event.source()).isEqualTo("/runstream/demo");
                    assertThat(event.data().get("title").asString()).isEqualTo("hello");
                }));
    }

    @Test
    void failedTransaction_leavesNoRowAndPublishesNoEvent() {
        long before = notes.count().block();
        String title = "doomed-" + UUID.randomUUID();

        web.post().uri("/api/v1/notes/failing").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", title))
                .exchange().expectStatus().isEqualTo(500)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).doesNotContain("outbox"));

        // a later commit proves the relay ran past the point where the doomed event would have been
        createNote("marker-" + title);
        await().atMost(Duration.ofSeconds(20)).until(() -> eventLog.received.stream()
                .anyMatch(e -> e.data().get("title").asString().equals("marker-" + title)));
        assertThat(eventLog.received).noneMatch(e -> e.data().get("title").asString().equals(title));
        assertThat(notes.count().block()).isEqualTo(before + 1);
    }

    @Test
    void bearerTokens_areReadFromTheHeader_andAMalformedOneIsRefused() {
        long id = createNote("bearer");
        web.get().uri("/api/v1/notes/{id}", id).header(HttpHeaders.AUTHORIZATION, alice.replace("Bearer ", "bearer "))
                .exchange().expectStatus().isOk();
        web.get().uri("/api/v1/notes/{id}", id).header(HttpHeaders.AUTHORIZATION, alice + " trailing")
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/api/v1/notes/{id}", id).header(HttpHeaders.AUTHORIZATION, "Basic dXNlcjpwYXNz")
                .exchange().expectStatus().isUnauthorized();
    }

    /**
     * Raw bytes: HTTP clients refuse to send what the firewall is there to refuse. Spring's firewall checks a
     * header when the application reads it: the token header is read by every secured request.
     */
    @Test
    void theFirewall_refusesControlCharactersInHeaders_beforeAuthentication() throws Exception {
        for (String header : List.of("Authorization: Bearer a\u0085b", "Authorization: Bearer \u0007",
                "Authorization: \u009b" + alice)) {
            try (var socket = new java.net.Socket("localhost", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /api/v1/notes/1 HTTP/1.1\r\nHost: localhost\r\n" + header
                        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(answer).as(header).startsWith("HTTP/1.1 400");
            }
        }
    }

    @Test
    void anotherTenantsNote_answers404_likeAMissingOne() {
        long id = createNote("acme's secret");
        String bob = TestTokens.bearer(TestTokens.user("bob").tenant("globex").sign());

        web.get().uri("/api/v1/notes/{id}", id).header(HttpHeaders.AUTHORIZATION, bob)
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://runstream.io/problems/note-not-found")
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.instance").isEqualTo("/api/v1/notes/" + id)
                .jsonPath("$.title").isEqualTo("Note Not Found");
        web.get().uri("/api/v1/notes/{id}", id).header(HttpHeaders.AUTHORIZATION, alice)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.title").isEqualTo("acme's secret");
    }

    @Test
    void malformedJson_answers400Problem() {
        web.post().uri("/api/v1/notes").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\": ")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("The request body is not valid JSON")
                .jsonPath("$.request_id").isNotEmpty();
    }

    @Test
    void wrongTypedField_answers400NamingTheField() {
        web.post().uri("/api/v1/notes").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"x\",\"priority\":\"high\"}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("priority");
    }

    @Test
    void invalidFields_answer400WithEachFieldsError() {
        web.post().uri("/api/v1/notes").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"\",\"priority\":12}")
                .exchange().expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors.length()").isEqualTo(2)
                .jsonPath("$.errors[?(@.field == 'title')]").exists()
                .jsonPath("$.errors[?(@.field == 'priority')]").exists();
    }

    @Test
    void oversizeBody_answers413() {
        String huge = "{\"title\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        web.post().uri("/api/v1/notes").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(huge)
                .exchange().expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void unknownPath_answers404Problem() {
        web.get().uri("/api/v1/nothing-here").header(HttpHeaders.AUTHORIZATION, alice)
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void requestWithoutToken_answers401Problem() {
        web.get().uri("/api/v1/notes/1").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    @Test
    void badTokens_answer401() {
        List<String> bad = List.of(
                TestTokens.user("mallory").expiresIn(Duration.ofMinutes(-5)).sign(),
                TestTokens.user("mallory").unsigned(),
                TestTokens.user("mallory").signWithUnknownKey(),
                TestTokens.user("mallory").issuer("someone-else").sign(),
                TestTokens.user("mallory").audience("another-api").sign(),
                TestTokens.user("mallory").tenant(null).sign(),
                "not-a-jwt");
        for (String token : bad) {
            web.get().uri("/api/v1/notes/1").header(HttpHeaders.AUTHORIZATION, TestTokens.bearer(token))
                    .exchange().expectStatus().isUnauthorized();
        }
    }

    @Test
    void missingPermission_answers403Problem_andHoldingItAnswers200() {
        web.get().uri("/api/v1/notes/admin").header(HttpHeaders.AUTHORIZATION, alice)
                .exchange().expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        String admin = TestTokens.bearer(TestTokens.user("root").tenant("acme").permissions("notes:admin").sign());
        web.get().uri("/api/v1/notes/admin").header(HttpHeaders.AUTHORIZATION, admin)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.tenant").isEqualTo("acme");
    }

    @Test
    void requestId_isEchoed_orGenerated() {
        web.get().uri("/actuator/health").header("X-Request-Id", "abc-123")
                .exchange().expectStatus().isOk().expectHeader().valueEquals("X-Request-Id", "abc-123");
        web.get().uri("/actuator/health").header("X-Request-Id", "bad id with spaces")
                .exchange().expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f-]{36}"));
    }

    @Test
    void healthProbes_answerWithoutToken() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }

    @Test
    void processedEvents_acceptAnEventIdOncePerConsumer() {
        String id = UUID.randomUUID().toString();
        StepVerifier.create(processedEvents.firstTime("a", id)).expectNext(true).verifyComplete();
        StepVerifier.create(processedEvents.firstTime("a", id)).expectNext(false).verifyComplete();
        StepVerifier.create(processedEvents.firstTime("b", id)).expectNext(true).verifyComplete();
    }

    @Test
    void recordThatIsNotAnEvent_goesToTheDeadLetterTopic_andDoesNotBlockThePartition() throws Exception {
        String key = "poison-" + UUID.randomUUID();
        kafka.send(new ProducerRecord<>(topics.runEvents(), key, "this is not json")).get();
        long id = createNote("after the poison");

        List<ConsumerRecord<String, String>> deadLetters = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getProperty("spring.kafka.bootstrap-servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetterOf(topics.runEvents())));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(deadLetters::add);
                return deadLetters.stream().anyMatch(r -> key.equals(r.key()));
            });
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> eventLog.received.stream()
                .anyMatch(e -> ("note-" + id).equals(e.subject())));
    }

    @Test
    void logLinesWrittenWhileHandlingARequest_carryTheTraceAndSpanIds() {
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.runstream.demo.notes");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            long id = createNote("logged");
            web.get().uri("/api/v1/notes/{id}", id).header(HttpHeaders.AUTHORIZATION, alice)
                    .exchange().expectStatus().isOk();
            assertThat(appender.list).anySatisfy(event -> {
                assertThat(event.getFormattedMessage()).isEqualTo("read note " + id);
                assertThat(event.getMDCPropertyMap().get("traceId")).matches("[0-9a-f]{32}");
                assertThat(event.getMDCPropertyMap().get("spanId")).matches("[0-9a-f]{16}");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void builtInJobBeans_areAnnouncedOnTheJobDefinitionsTopic_withThisServiceAsExecutor() {
        ConsumerRecord<String, String> record = readUntil(topics.jobDefinitions(), r -> "demo/echo".equals(r.key()));
        var event = new io.runstream.platform.event.EventCodec().read(record.value());
        assertThat(event.type()).isEqualTo("job.registered");
        assertThat(event.data().get("executor").asString()).isEqualTo("platform-demo");
        assertThat(event.data().get("source").asString()).isEqualTo("platform-demo");
        assertThat(event.data().get("max_attempts").asInt()).isEqualTo(2);
        assertThat(event.data().get("args_schema").get("required").get(0).asString()).isEqualTo("message");
    }

    /** A plain HTTP client: WebTestClient is itself traced and would replace the traceparent it sends. */
    @Test
    void traceContextAndRequestId_travelFromTheRequestIntoTheKafkaRecordHeaders() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/notes"))
                .header("Authorization", alice)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .header("X-Request-Id", "req-trace-1")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"traced\"}"))
                .build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        long id = Long.parseLong(response.body().replaceAll(".*\"id\":(\\d+).*", "$1"));

        ConsumerRecord<String, String> record = readUntil(topics.runEvents(), r -> ("note-" + id).equals(r.key()));
        assertThat(header(record, "X-Request-Id")).isEqualTo("req-trace-1");
        assertThat(record.headers().headers("traceparent"))
                .anySatisfy(h -> assertThat(new String(h.value())).startsWith("00-" + traceId + "-"));
    }

    @Test
    void serviceTokens_inTests_areSignedByTheTestKey() {
        String token = serviceTokens.token().block();
        web.get().uri("/api/v1/notes/admin").header(HttpHeaders.AUTHORIZATION, TestTokens.bearer(token))
                .exchange().expectStatus().isForbidden(); // valid token, but a service holds no notes:admin
    }

    private ConsumerRecord<String, String> readUntil(String topic, java.util.function.Predicate<ConsumerRecord<String, String>> wanted) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getProperty("spring.kafka.bootstrap-servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private long createNote(String title) {
        return web.post().uri("/api/v1/notes").header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", title))
                .exchange().expectStatus().isOk()
                .expectBody(DemoApplication.Note.class).returnResult().getResponseBody().id();
    }
}
