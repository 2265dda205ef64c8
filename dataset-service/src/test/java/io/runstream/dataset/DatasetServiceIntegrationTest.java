package io.runstream.dataset;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.run.RunStatus;
import io.runstream.platform.test.RealInfrastructure;
import io.runstream.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "runstream.dataset.validation.inline-max-bytes=65536",
        "runstream.dataset.runs.progress-interval-ms=0",
        "runstream.dataset.statistics.reservoir-size=100000",
        "runstream.dataset.statistics.exact-distinct-limit=500"})
@AutoConfigureWebTestClient
@RealInfrastructure
class DatasetServiceIntegrationTest {

    private static final String BOUNDARY = "runstream-test-boundary-7d3f";
    private static final MediaType MULTIPART = MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);
    private static final String ALL = "datasets:read,datasets:write,can_delete_dataset,templates:write";

    @Autowired
    WebTestClient webClient;
    @Autowired
    Topics topics;
    @Autowired
    EventCodec codec;
    @Autowired
    org.springframework.core.env.Environment environment;
    @Autowired
    KafkaOperations<Object, Object> kafka;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    WebTestClient web;
    final String alice = token("alice", "acme");
    final String bob = token("bob", "globex");

    static String token(String user, String tenant) {
        return TestTokens.bearer(TestTokens.user(user).tenant(tenant).roles("data_scientist")
                .permissions(ALL.split(",")).sign());
    }

    @BeforeEach
    void client() {
        web = webClient.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    }

    // ---------------------------------------------------------------- templates

    @Test
    void templates_crud_withTypedDefaults_duplicates_andTenantIsolation() {
        long id = createTemplate(alice, "Telecom " + UUID.randomUUID(), List.of(
                column("CustomerID", "String", "CUST-0000"), column("DataUsageGB", "Float", "0.0")));

        JsonNode list = getJson(alice, "/api/v1/template/list");
        assertThat(list.get("total").asLong()).isEqualTo(list.get("data").size());
        JsonNode mine = find(list.get("data"), "id", id);
        assertThat(mine.get("no_of_columns").asInt()).isEqualTo(2);
        assertThat(mine.get("created_by").asString()).isEqualTo("alice");
        assertThat(mine.has("modified_at")).isTrue();
        assertThat(mine.has("template_schema")).isFalse();

        JsonNode one = getJson(alice, "/api/v1/template/" + id);
        assertThat(one.get("template_schema").get(1).get("data_type").asString()).isEqualTo("Float");
        assertThat(one.get("template_schema").get(0).get("default_value").asString()).isEqualTo("CUST-0000");

        String name = one.get("template_name").asString();
        web.post().uri("/api/v1/template/").header(HttpHeaders.AUTHORIZATION, alice).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_name", name, "template_schema", List.of(column("a", "String", null))))
                .exchange().expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        // the same name in another tenant is fine
        createTemplate(bob, name, List.of(column("a", "String", null)));

        // a default of the wrong type, for every type, and an unknown type
        Map<String, String> badDefaults = Map.of("Integer", "1.5", "Float", "abc", "Boolean", "maybe",
                "Date", "2025-13-40", "Timestamp", "yesterday");
        badDefaults.forEach((type, value) -> web.post().uri("/api/v1/template/")
                .header(HttpHeaders.AUTHORIZATION, alice).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_name", "bad-" + UUID.randomUUID(), "template_schema", List.of(column("c", type, value))))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("template_schema[0].default_value"));
        web.post().uri("/api/v1/template/").header(HttpHeaders.AUTHORIZATION, alice).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_name", "bad-type", "template_schema", List.of(column("c", "Complex", null))))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("template_schema[0].data_type");
        web.post().uri("/api/v1/template/").header(HttpHeaders.AUTHORIZATION, alice).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"template_name\": \"x\", \"template_schema\": [").exchange().expectStatus().isBadRequest();
        web.post().uri("/api/v1/template/").header(HttpHeaders.AUTHORIZATION, alice).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_schema", List.of())).exchange().expectStatus().isBadRequest();

        // update, and another tenant sees nothing
        web.put().uri("/api/v1/template/update/" + id).header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_name", name + " V2", "template_schema", List.of(
                        column("CustomerID", "String", null), column("DataUsageGB", "Float", null), column("PlanType", "String", null))))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.template_name").isEqualTo(name + " V2")
                .jsonPath("$.template_schema.length()").isEqualTo(3)
                .jsonPath("$.template_schema[2].default_value").isEmpty();
        web.get().uri("/api/v1/template/" + id).header(HttpHeaders.AUTHORIZATION, bob).exchange().expectStatus().isNotFound();
        web.put().uri("/api/v1/template/update/" + id).header(HttpHeaders.AUTHORIZATION, bob)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("template_name", "stolen"))
                .exchange().expectStatus().isNotFound();
        web.delete().uri("/api/v1/template/" + id).header(HttpHeaders.AUTHORIZATION, bob).exchange().expectStatus().isNotFound();

        // in use → 409; unused → deleted
        long dataset = upload(alice, "uses-template-" + UUID.randomUUID(), id, "x.csv",
                "CustomerID,DataUsageGB,PlanType\nC1,1.5,Basic\n").get("dataset_id").asLong();
        web.delete().uri("/api/v1/template/" + id).header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isEqualTo(409);
        web.delete().uri("/api/v1/dataset/delete/" + dataset).header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isOk();
        web.delete().uri("/api/v1/template/" + id).header(HttpHeaders.AUTHORIZATION, alice).exchange().expectStatus().isOk();
        web.get().uri("/api/v1/template/" + id).header(HttpHeaders.AUTHORIZATION, alice).exchange().expectStatus().isNotFound();
    }

    // ---------------------------------------------------------------- validation

    @Test
    void upload_validatesEveryTypeAgainstTheTemplate_andReportsRowsColumnsAndTotals() {
        long template = createTemplate(alice, "all-types-" + UUID.randomUUID(), List.of(
                column("name", "String", null), column("qty", "Integer", "0"), column("price", "Float", null),
                column("active", "Boolean", null), column("day", "Date", null), column("at", "Timestamp", null)));
        // BOM, CRLF, reordered columns, an extra column, quoted separators and newlines
        String csv = "\uFEFFqty,name,price,active,day,at,note\r\n"
                + "1,\"Smith, John\",1.5,true,2025-01-02,2025-01-02T10:00:00Z,x\r\n"
                + ",\"multi\nline\",2,False,2025-01-03,2025-01-03 10:00:00,y\r\n"       // empty qty → default 0
                + "abc,bad-int,1,true,2025-01-02,2025-01-02T10:00:00Z,z\r\n"           // row 3: Integer
                + "1,bad-float,1.2.3,true,2025-01-02,2025-01-02T10:00:00Z,z\r\n"        // row 4: Float
                + "1,bad-bool,1,maybe,2025-01-02,2025-01-02T10:00:00Z,z\r\n"            // row 5: Boolean
                + "1,bad-date,1,true,2025-02-30,2025-01-02T10:00:00Z,z\r\n"             // row 6: Date
                + "1,bad-ts,1,true,2025-01-02,noon,z\r\n"                               // row 7: Timestamp
                + "1,ragged,1\r\n"                                                       // row 8: field count
                + "1,,3,true,2025-01-02,2025-01-02T10:00:00Z,z\r\n";                     // row 9: missing name
        JsonNode answer = upload(alice, "typed-" + UUID.randomUUID(), template, "typed.csv", csv);
        assertThat(answer.get("data_source").asString()).isEqualTo("csv");
        JsonNode file = answer.get("files").get(0);
        assertThat(file.get("file_name").asString()).isEqualTo("typed.csv");
        assertThat(file.get("total_records").asLong()).isEqualTo(9);
        assertThat(file.get("total_fields").asInt()).isEqualTo(6);
        JsonNode report = file.get("error_report");
        assertThat(report.get("valid_records").asLong()).isEqualTo(2);
        assertThat(report.get("is_valid").asBoolean()).isFalse();
        assertThat(report.get("dataset_usability").asDouble()).isCloseTo(2.0 / 9, within(1e-9));
        JsonNode reasons = report.get("errors_by_reason");
        for (String reason : List.of("invalid_integer", "invalid_float", "invalid_boolean", "invalid_date",
                "invalid_timestamp", "field_count", "missing")) {
            assertThat(reasons.get(reason).asLong()).as(reason).isEqualTo(1);
        }
        assertThat(report.get("header").get("reordered").asBoolean()).isTrue();
        assertThat(report.get("header").get("extra_columns").get(0).asString()).isEqualTo("note");
        JsonNode intError = find(report.get("errors"), "reason", "invalid_integer");
        assertThat(intError.get("row").asLong()).isEqualTo(3);
        assertThat(intError.get("column").asString()).isEqualTo("qty");
        assertThat(intError.get("value").asString()).isEqualTo("abc");

        long datasetId = answer.get("dataset_id").asLong();
        JsonNode preview = getJson(alice, "/api/v1/dataset/view?dataset_id=" + datasetId).get("preview");
        assertThat(preview.size()).isEqualTo(2);
        assertThat(preview.get(0).get("name").asString()).isEqualTo("Smith, John");
        assertThat(preview.get(0).get("qty").isNumber()).isTrue();
        assertThat(preview.get(0).get("price").asDouble()).isEqualTo(1.5);
        assertThat(preview.get(0).get("active").isBoolean()).isTrue();
        assertThat(preview.get(1).get("name").asString()).isEqualTo("multi\nline");
        assertThat(preview.get(1).get("qty").asLong()).isZero();
        assertThat(preview.get(1).get("active").asBoolean()).isFalse();
        assertThat(preview.get(1).get("at").asString()).isEqualTo("2025-01-03T10:00");

        JsonNode listed = find(getJson(alice, "/api/v1/dataset/list").get("data"), "id", datasetId);
        assertThat(listed.get("dataset_usability").asString()).isEqualTo("22.2%");
        assertThat(listed.get("is_valid").asBoolean()).isFalse();
        assertThat(listed.get("file_count").asLong()).isEqualTo(1);
        assertThat(listed.get("dataset_usage").asString()).isEqualTo("Prediction");
        assertThat(listed.get("template_name").asString()).startsWith("all-types-");
        assertThat(getJson(alice, "/api/v1/dataset/list_validated").findValues("id").stream().map(JsonNode::asLong))
                .doesNotContain(datasetId);

        JsonNode content = getJson(alice, "/api/v1/files/view?file_id=" + file.get("id").asLong());
        assertThat(content.get("content_preview").get(0).asString()).isEqualTo("qty,name,price,active,day,at,note");
    }

    @Test
    void upload_withoutTemplate_infersTypes_andAValidFileIsListedAsValidated() {
        String csv = "id,score,flag,day,label\n1,0.5,yes,2025-01-01,a\n2,1,no,2025-01-02,b\n3,,yes,2025-01-03,c\n";
        JsonNode answer = upload(alice, "inferred-" + UUID.randomUUID(), null, "inf.csv", csv);
        assertThat(answer.get("files").get(0).get("error_report").isNull()).isTrue();
        long id = answer.get("dataset_id").asLong();
        JsonNode detail = getJson(alice, "/api/v1/dataset/get_dataset_by_id?dataset_id=" + id);
        List<String> types = new ArrayList<>();
        detail.get("columns").forEach(c -> types.add(c.get("data_type").asString()));
        assertThat(types).containsExactly("Integer", "Float", "Boolean", "Date", "String");
        assertThat(detail.get("dataset_path").asString()).startsWith("/tenants/acme/datasets/" + id);
        assertThat(getJson(alice, "/api/v1/dataset/list_validated").findValues("id").stream().map(JsonNode::asLong))
                .contains(id);
    }

    @Test
    void upload_badInput_answers4xx_andLeavesNoDataset() {
        long before = getJson(alice, "/api/v1/dataset/list").get("total").asLong();
        String name = "bad-" + UUID.randomUUID();
        // no files at all (only another form field)
        web.post().uri("/api/v1/dataset/upload?dataset_name={n}&usage=p", name).header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MULTIPART).bodyValue(formField("comment", "hello"))
                .exchange().expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p", "empty.csv", new byte[0], 400);
        // malformed multipart: the body stops before its closing boundary; no boundary parameter at all
        byte[] whole = multipart("a.csv", "a\n1\n".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - BOUNDARY.length() - 8);
        web.post().uri("/api/v1/dataset/upload?dataset_name={n}&usage=p", name).header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MULTIPART).bodyValue(truncated)
                .exchange().expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("The multipart body ended before its closing boundary");
        web.post().uri("/api/v1/dataset/upload?dataset_name={n}&usage=p", name).header(HttpHeaders.AUTHORIZATION, alice)
                .contentType(MediaType.MULTIPART_FORM_DATA).bodyValue(whole)
                .exchange().expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] binary = new byte[4096];
        new Random(1).nextBytes(binary);
        binary[10] = 0;
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p", "data.csv", binary, 400);
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p&template_id=999999", "a.csv",
                "a\n1\n".getBytes(), 404);
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p&template_id=abc", "a.csv",
                "a\n1\n".getBytes(), 400);
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=zz", "a.csv", "a\n1\n".getBytes(), 400);
        uploadExpecting(alice, "/api/v1/dataset/upload?usage=p", "a.csv", "a\n1\n".getBytes(), 400);
        long bobsTemplate = createTemplate(bob, "bobs-" + UUID.randomUUID(), List.of(column("a", "String", null)));
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p&template_id=" + bobsTemplate,
                "a.csv", "a\n1\n".getBytes(), 404);
        assertThat(getJson(alice, "/api/v1/dataset/list").get("total").asLong()).isEqualTo(before);

        upload(alice, name, null, "a.csv", "a\n1\n");
        uploadExpecting(alice, "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p", "a.csv", "a\n1\n".getBytes(), 409);
        uploadExpecting(alice, "/api/v1/files/add?dataset_id=999999", "a.csv", "a\n1\n".getBytes(), 404);
    }

    @Test
    void validationStartsWhileTheUploadArrives_andAFailedUploadLeavesNothingBehind() throws Exception {
        var taken = meters.counter("runstream.dataset.validation.early", "result", "taken");
        double before = taken.count();
        long template = createTemplate(alice, "early-" + UUID.randomUUID(), List.of(
                column("id", "Integer", null), column("text", "String", null)));
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 1; i <= 20_000; i++) {
            csv.append(i % 100 == 0 ? "x" : String.valueOf(i)).append(",\"t, ").append(i).append("\"\n");
        }
        byte[] large = csv.toString().getBytes(StandardCharsets.UTF_8);
        JsonNode answer = upload(alice, "early-" + UUID.randomUUID(), template, "early.csv", csv.toString());
        assertThat(answer.get("run_id").isNull()).isFalse();
        long fileId = answer.get("files").get(0).get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> getJson(alice, "/api/v1/files/get_file_by_id/?file_id=" + fileId)
                .get("validation_status").asString().equals("validated"));
        JsonNode file = getJson(alice, "/api/v1/files/get_file_by_id/?file_id=" + fileId);
        assertThat(file.get("total_records").asLong()).isEqualTo(20_000);
        assertThat(file.get("valid_records").asLong()).isEqualTo(20_000 - 200);
        assertThat(file.get("error_report").get("errors_by_reason").get("invalid_integer").asLong()).isEqualTo(200);
        assertThat(taken.count()).isGreaterThanOrEqualTo(before + 1);
        JsonNode preview = getJson(alice, "/api/v1/dataset/view?dataset_id=" + answer.get("dataset_id").asLong() + "&limit=2");
        assertThat(preview.get("preview").get(0).get("text").asString()).isEqualTo("t, 1");

        // a valid file (already validating) then a binary one: 400, and nothing of either stays
        long datasets = getJson(alice, "/api/v1/dataset/list").get("total").asLong();
        byte[] binary = new byte[4096];
        new Random(2).nextBytes(binary);
        binary[0] = 0;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var part : List.of(Map.entry("good.csv", large), Map.entry("bad.csv", binary))) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + part.getKey()
                    + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        web.post().uri("/api/v1/dataset/upload?dataset_name=failed-" + UUID.randomUUID() + "&usage=p&template_id=" + template)
                .header(HttpHeaders.AUTHORIZATION, alice).contentType(MULTIPART).bodyValue(body.toByteArray())
                .exchange().expectStatus().isBadRequest();
        assertThat(getJson(alice, "/api/v1/dataset/list").get("total").asLong()).isEqualTo(datasets);
        java.nio.file.Path tenants = java.nio.file.Path.of(environment.getProperty("runstream.storage.root")).resolve("tenants");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            try (var paths = java.nio.file.Files.walk(tenants)) {
                assertThat(paths.filter(java.nio.file.Files::isRegularFile)
                        .filter(path -> path.toString().contains("/staging/"))).isEmpty();
            }
        });
    }

    // ---------------------------------------------------------------- runs

    @Test
    void largeUpload_validatesAsARun_withProgressAndAFinalEvent_andATenMegabyteField() {
        long template = createTemplate(alice, "big-" + UUID.randomUUID(), List.of(
                column("id", "Integer", null), column("text", "String", null)));
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 1; i <= 60_000; i++) {
            csv.append(i % 1000 == 0 ? "oops" : String.valueOf(i)).append(",t\n");
        }
        csv.append("60001,\"").append("x".repeat(10 * 1024 * 1024)).append("\"\n");
        JsonNode answer = upload(alice, "big-" + UUID.randomUUID(), template, "big.csv", csv.toString());
        String runId = answer.get("run_id").asString();
        assertThat(runId).startsWith("run_");
        JsonNode file = answer.get("files").get(0);
        assertThat(file.get("validation_status").asString()).isEqualTo("pending");
        long fileId = file.get("id").asLong();

        List<EventEnvelope> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topics.runEvents()));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    EventEnvelope event = codec.read(record.value());
                    if (runId.equals(event.subject())) {
                        events.add(event);
                    }
                });
                assertThat(events).extracting(EventEnvelope::type).contains("run.finished");
            });
        }
        assertThat(events).extracting(EventEnvelope::type)
                .containsSubsequence("run.created", "run.started", "run.progress", "run.finished");
        assertThat(events.stream().filter(e -> e.type().equals("run.progress")).count()).isGreaterThanOrEqualTo(2);
        EventEnvelope created = events.get(0);
        assertThat(created.data().get("executor").asString()).isEqualTo("dataset-service");
        assertThat(created.data().get("job_id").asString()).isEqualTo("dataset/validate");
        assertThat(created.tenant()).isEqualTo("acme");
        EventEnvelope finished = events.get(events.size() - 1);
        assertThat(finished.data().get("status").asString()).isEqualTo("completed");
        JsonNode result = finished.data().get("result").get("files").get(0);
        assertThat(result.get("total_records").asLong()).isEqualTo(60_001);
        assertThat(result.get("valid_records").asLong()).isEqualTo(60_001 - 60);
        assertThat(result.get("errors_by_reason").get("invalid_integer").asLong()).isEqualTo(60);

        JsonNode stored = getJson(alice, "/api/v1/files/get_file_by_id/?file_id=" + fileId);
        assertThat(stored.get("validation_status").asString()).isEqualTo("validated");
        assertThat(stored.get("error_report").get("errors_by_reason").get("invalid_integer").asLong()).isEqualTo(60);
        assertThat(stored.get("error_report").get("errors").size()).isEqualTo(60);
        assertThat(stored.get("error_report").get("valid_records").asLong()).isEqualTo(60_001 - 60);
    }

    @Test
    void jobDefinitions_areAnnouncedAtStartup() {
        Set<String> jobs = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topics.jobDefinitions()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    EventEnvelope event = codec.read(record.value());
                    assertThat(event.type()).isEqualTo("job.registered");
                    assertThat(event.data().get("executor").asString()).isEqualTo("dataset-service");
                    jobs.add(record.key());
                });
                assertThat(jobs).contains("dataset/validate", "dataset/statistics");
            });
        }
    }

    @Test
    void statistics_matchValuesComputedIndependently() {
        Random random = new Random(7);
        int rows = 3000;
        StringBuilder csv = new StringBuilder("amount,count,city\n");
        List<Double> amounts = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        Map<String, Integer> cities = new HashMap<>();
        String[] names = {"Lyon", "Oslo", "Lima", "Pune", "Kiev"};
        for (int i = 0; i < rows; i++) {
            double amount = Math.round(random.nextGaussian() * 1000) / 100.0;
            String count = i % 10 == 0 ? "" : String.valueOf(random.nextInt(50));
            String city = names[random.nextInt(i % 3 == 0 ? 2 : 5)];
            amounts.add(amount);
            if (!count.isEmpty()) {
                counts.add(Double.parseDouble(count));
            }
            cities.merge(city, 1, Integer::sum);
            csv.append(amount).append(',').append(count).append(',').append(city).append('\n');
        }
        long template = createTemplate(alice, "stats-" + UUID.randomUUID(), List.of(
                column("amount", "Float", null), column("count", "Integer", "-1"), column("city", "String", null)));
        long datasetId = upload(alice, "stats-" + UUID.randomUUID(), template, "stats.csv", csv.toString())
                .get("dataset_id").asLong();

        JsonNode submitted = web.post().uri("/api/v1/dataset/generate_statistics?dataset_id=" + datasetId)
                .header(HttpHeaders.AUTHORIZATION, alice).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(submitted.get("status").asString()).isEqualTo("success");
        assertThat(submitted.get("job_id").asString()).startsWith("run_");

        await().atMost(Duration.ofSeconds(60)).until(() ->
                "completed".equals(getJson(alice, "/api/v1/dataset/statistics?dataset_id=" + datasetId).path("status").asString()));
        JsonNode stats = getJson(alice, "/api/v1/dataset/statistics?dataset_id=" + datasetId);
        assertThat(stats.get("run_id").asString()).isEqualTo(submitted.get("job_id").asString());
        assertThat(stats.get("total_rows").asLong()).isEqualTo(rows);

        JsonNode amount = find(stats.get("columns"), "column_name", "amount");
        assertNumbers(amount, amounts);
        // more distinct amounts than the exact bound (500): an estimate, within HyperLogLog's error
        long distinctAmounts = new HashSet<>(amounts).size();
        assertThat(distinctAmounts).isGreaterThan(500);
        assertThat(amount.get("distinct_is_estimate").asBoolean()).isTrue();
        assertThat((double) amount.get("distinct").asLong()).isCloseTo(distinctAmounts, within(distinctAmounts * 0.05));
        long sum = 0;
        for (JsonNode c : amount.get("histogram").get("counts")) {
            sum += c.asLong();
        }
        assertThat(sum).isEqualTo(rows);

        // empty counts took the default -1: the statistics see the validated values
        List<Double> withDefaults = new ArrayList<>(counts);
        for (int i = 0; i < rows - counts.size(); i++) {
            withDefaults.add(-1.0);
        }
        JsonNode count = find(stats.get("columns"), "column_name", "count");
        assertNumbers(count, withDefaults);
        assertThat(count.get("distinct").asLong()).isEqualTo((long) new HashSet<>(withDefaults).size());
        assertThat(count.get("distinct_is_estimate").asBoolean()).isFalse();

        JsonNode city = find(stats.get("columns"), "column_name", "city");
        assertThat(city.get("distinct").asLong()).isEqualTo((long) cities.size());
        assertThat(city.get("missing").asLong()).isZero();
        String topCity = cities.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(city.get("top_values").get(0).get("value").asString()).isEqualTo(topCity);
        assertThat(city.get("top_values").get(0).get("count").asLong()).isEqualTo((long) cities.get(topCity));

        web.post().uri("/api/v1/dataset/generate_statistics?dataset_id=" + datasetId)
                .header(HttpHeaders.AUTHORIZATION, bob).exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/dataset/statistics?dataset_id=" + datasetId)
                .header(HttpHeaders.AUTHORIZATION, bob).exchange().expectStatus().isNotFound();
    }

    private static void assertNumbers(JsonNode column, List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElseThrow();
        double variance = Arrays.stream(sorted).map(x -> (x - mean) * (x - mean)).sum() / (sorted.length - 1);
        assertThat(column.get("count").asLong()).isEqualTo(sorted.length);
        assertThat(column.get("mean").asDouble()).isCloseTo(mean, within(1e-9));
        assertThat(column.get("std").asDouble()).isCloseTo(Math.sqrt(variance), within(1e-9));
        assertThat(column.get("min").asDouble()).isEqualTo(sorted[0]);
        assertThat(column.get("max").asDouble()).isEqualTo(sorted[sorted.length - 1]);
        assertThat(column.get("median").asDouble()).isCloseTo(percentile(sorted, 50), within(1e-9));
        assertThat(column.get("q1").asDouble()).isCloseTo(percentile(sorted, 25), within(1e-9));
        assertThat(column.get("q3").asDouble()).isCloseTo(percentile(sorted, 75), within(1e-9));
        assertThat(column.get("quantiles_exact").asBoolean()).isTrue();
    }

    /** numpy.percentile's default (linear) written out differently: rank = p/100 * (n-1). */
    private static double percentile(double[] sorted, int p) {
        double rank = p / 100.0 * (sorted.length - 1);
        int below = (int) rank;
        double fraction = rank - below;
        return below + 1 < sorted.length ? sorted[below] * (1 - fraction) + sorted[below + 1] * fraction : sorted[below];
    }

    // ---------------------------------------------------------------- files, downloads, isolation

    @Test
    void files_downloads_areConfinedToTheTenantsArea_andOtherTenantsGet404() {
        String csv = "a,b\n1,x\n2,y\n";
        JsonNode answer = upload(alice, "files-" + UUID.randomUUID(), null, "../../etc/passwd", csv);
        long datasetId = answer.get("dataset_id").asLong();
        JsonNode file = answer.get("files").get(0);
        long fileId = file.get("id").asLong();
        assertThat(file.get("file_name").asString()).isEqualTo("passwd");

        JsonNode added = uploadTo(alice, "/api/v1/files/add?dataset_id=" + datasetId, "more.csv", "a,b\n3,z\n".getBytes());
        assertThat(added.get("dataset_id").asLong()).isEqualTo(datasetId);
        assertThat(added.get("files").size()).isEqualTo(1);
        long addedId = added.get("files").get(0).get("id").asLong();
        assertThat(getJson(alice, "/api/v1/files/list?dataset_id=" + datasetId).get("total").asLong()).isEqualTo(2);

        JsonNode detail = getJson(alice, "/api/v1/files/get_file_by_id/?file_id=" + fileId);
        String path = detail.get("csv_file_path").asString();
        assertThat(path).startsWith("/tenants/acme/datasets/" + datasetId + "/");
        byte[] downloaded = web.get().uri(u -> u.path("/api/v1/files/download/").queryParam("file_path", "{p}").build(path))
                .header(HttpHeaders.AUTHORIZATION, alice).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBodyContent();
        assertThat(new String(downloaded, StandardCharsets.UTF_8)).isEqualTo(csv);

        web.get().uri("/api/v1/files/" + fileId + "/download").header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isOk()
                .expectHeader().contentLength(csv.length())
                .expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).isEqualTo(csv);

        for (String bad : List.of(path.replace("/tenants/acme/", "/tenants/acme/../globex/"), "/etc/passwd",
                "../../../../etc/passwd", "/tenants/globex/" + path.substring("/tenants/acme/".length()),
                "/tenants/acme/datasets/" + datasetId + "/../../../../etc/passwd", "/tenants/acme/staging",
                "C:\\Windows\\win.ini", "")) {
            web.get().uri(u -> u.path("/api/v1/files/download/").queryParam("file_path", "{p}").build(bad))
                    .header(HttpHeaders.AUTHORIZATION, alice).exchange().expectStatus().isNotFound();
        }
        web.get().uri(u -> u.path("/api/v1/files/download/").queryParam("file_path", "{p}").build(path))
                .header(HttpHeaders.AUTHORIZATION, bob).exchange().expectStatus().isNotFound();

        for (String uri : List.of("/api/v1/files/get_file_by_id/?file_id=" + fileId, "/api/v1/files/view?file_id=" + fileId,
                "/api/v1/files/" + fileId + "/download", "/api/v1/files/list?dataset_id=" + datasetId,
                "/api/v1/dataset/get_dataset_by_id?dataset_id=" + datasetId, "/api/v1/dataset/view?dataset_id=" + datasetId)) {
            web.get().uri(uri).header(HttpHeaders.AUTHORIZATION, bob).exchange().expectStatus().isNotFound();
        }
        web.delete().uri("/api/v1/files/delete/" + fileId).header(HttpHeaders.AUTHORIZATION, bob).exchange()
                .expectStatus().isNotFound();
        web.delete().uri("/api/v1/dataset/delete/" + datasetId).header(HttpHeaders.AUTHORIZATION, bob).exchange()
                .expectStatus().isNotFound();
        uploadExpecting(bob, "/api/v1/files/add?dataset_id=" + datasetId, "a.csv", "a\n1\n".getBytes(), 404);
        web.get().uri("/api/v1/files/get_file_by_id/?file_id=abc").header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isBadRequest();

        web.delete().uri("/api/v1/files/delete/" + addedId).header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isOk();
        web.get().uri("/api/v1/files/" + addedId + "/download").header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isNotFound();
        web.delete().uri("/api/v1/dataset/delete/" + datasetId).header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isOk();
        web.get().uri("/api/v1/dataset/get_dataset_by_id?dataset_id=" + datasetId).header(HttpHeaders.AUTHORIZATION, alice)
                .exchange().expectStatus().isNotFound();
        web.get().uri(u -> u.path("/api/v1/files/download/").queryParam("file_path", "{p}").build(path))
                .header(HttpHeaders.AUTHORIZATION, alice).exchange().expectStatus().isNotFound();
    }

    @Test
    void internalEndpoints_streamContentAndSchema_toServicesOnly() {
        String csv = "id,score\n1,0.5\n2,oops\n3,1.5\n";
        long template = createTemplate(alice, "internal-" + UUID.randomUUID(), List.of(
                column("id", "Integer", null), column("score", "Float", null)));
        long datasetId = upload(alice, "internal-" + UUID.randomUUID(), template, "in.csv", csv).get("dataset_id").asLong();
        String service = TestTokens.bearer(TestTokens.service("training-service").sign());

        web.get().uri("/internal/v1/datasets/{id}/content?tenant=acme", datasetId).header(HttpHeaders.AUTHORIZATION, alice)
                .exchange().expectStatus().isForbidden();
        web.get().uri("/internal/v1/datasets/{id}/content?tenant=globex", datasetId).header(HttpHeaders.AUTHORIZATION, service)
                .exchange().expectStatus().isNotFound();
        web.get().uri("/internal/v1/datasets/{id}/content?tenant=acme", datasetId).header(HttpHeaders.AUTHORIZATION, service)
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).isEqualTo("id,score\n1,0.5\n3,1.5\n");
        web.get().uri("/internal/v1/datasets/{id}/schema?tenant=acme", datasetId).header(HttpHeaders.AUTHORIZATION, service)
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.columns[1].column_name").isEqualTo("score")
                .jsonPath("$.columns[1].data_type").isEqualTo("Float")
                .jsonPath("$.total_records").isEqualTo(2);

        web.post().uri("/internal/v1/datasets/{id}/files?tenant=acme&file_name=predictions.csv", datasetId)
                .header(HttpHeaders.AUTHORIZATION, service).contentType(MediaType.parseMediaType("text/csv"))
                .bodyValue("id,score\n4,2.5\n").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.file_name").isEqualTo("predictions.csv")
                .jsonPath("$.total_records").isEqualTo(1);
        web.get().uri("/internal/v1/datasets/{id}/content?tenant=acme", datasetId).header(HttpHeaders.AUTHORIZATION, service)
                .exchange().expectStatus().isOk()
                .expectBody(String.class).isEqualTo("id,score\n1,0.5\n3,1.5\n4,2.5\n");
    }

    @Test
    void delete_whileATrainingRunReadsTheDataset_answers409_untilTheRunFinishes() {
        long datasetId = upload(alice, "trained-" + UUID.randomUUID(), null, "t.csv", "a,b\n1,2\n").get("dataset_id").asLong();
        String runId = "run_" + UUID.randomUUID().toString().replace("-", "");
        var args = codec.mapper().createObjectNode().put("dataset_id", datasetId);
        publish(runId, "run.created", new RunEvents.RunCreated(runId, "training/tabular", "training-service", "alice", null,
                args, 5, List.of(), null, 1, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> getJson(alice, "/api/v1/dataset/get_dataset_by_id?dataset_id=" + datasetId)
                .get("used_by_runs").size() == 1);
        web.delete().uri("/api/v1/dataset/delete/" + datasetId).header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.run_ids[0]").isEqualTo(runId);

        publish(runId, "run.finished", new RunEvents.RunFinished(runId, RunStatus.COMPLETED, null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> getJson(alice, "/api/v1/dataset/get_dataset_by_id?dataset_id=" + datasetId)
                .get("used_by_runs").isEmpty());
        web.delete().uri("/api/v1/dataset/delete/" + datasetId).header(HttpHeaders.AUTHORIZATION, alice).exchange()
                .expectStatus().isOk();
    }

    @Test
    void endpoints_needTheirPermission() {
        String viewer = TestTokens.bearer(TestTokens.user("vera").tenant("acme").roles("viewer").permissions("datasets:read").sign());
        String nobody = TestTokens.bearer(TestTokens.user("nina").tenant("acme").sign());
        web.get().uri("/api/v1/dataset/list").header(HttpHeaders.AUTHORIZATION, viewer).exchange().expectStatus().isOk();
        web.get().uri("/api/v1/dataset/list").header(HttpHeaders.AUTHORIZATION, nobody).exchange().expectStatus().isForbidden();
        web.get().uri("/api/v1/template/list").exchange().expectStatus().isUnauthorized();
        uploadExpecting(viewer, "/api/v1/dataset/upload?dataset_name=v&usage=p", "a.csv", "a\n1\n".getBytes(), 403);
        web.post().uri("/api/v1/template/").header(HttpHeaders.AUTHORIZATION, viewer).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_name", "v")).exchange().expectStatus().isForbidden();
    }

    @Test
    void aRunCreatedElsewhere_executes_aRetryIsItsNextRunCreated_andOlderAttemptsAreRefused() {
        long datasetId = upload(alice, "retried-" + UUID.randomUUID(), null, "r.csv", "a,b\n1,2\n3,4\n").get("dataset_id").asLong();
        String runId = newRunId();
        var args = codec.mapper().createObjectNode().put("dataset_id", datasetId);
        List<EventEnvelope> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topics.runEvents()));
            // as job-service would announce a run of dataset/statistics created with POST /api/v1/runs
            publish(runId, "run.created", statisticsRun(runId, args, 1));
            awaitRunEvents(consumer, runId, events, 1);
            // as job-service retries: the informational request (with the attempt being retried), then run.created
            control(runId, "run.retry-requested", "dataset/statistics", 1);
            publish(runId, "run.created", statisticsRun(runId, args, 2));
            awaitRunEvents(consumer, runId, events, 2);
            // a late copy of attempt 1 (another event id) is refused; attempt 3 behind it on the same partition runs
            publish(runId, "run.created", statisticsRun(runId, args, 1));
            publish(runId, "run.created", statisticsRun(runId, args, 3));
            awaitRunEvents(consumer, runId, events, 3);
        }
        List<EventEnvelope> started = events.stream().filter(e -> e.type().equals("run.started")).toList();
        assertThat(started).extracting(e -> e.data().get("attempt").asInt()).containsExactly(1, 2, 3);
        assertThat(events.stream().filter(e -> e.type().equals("run.finished")))
                .allSatisfy(e -> assertThat(e.data().get("status").asString()).isEqualTo("completed"));
        assertThat(getJson(alice, "/api/v1/dataset/statistics?dataset_id=" + datasetId).get("total_rows").asLong()).isEqualTo(2);
    }

    @Test
    void aPausedStatisticsRun_waitsAtItsNextChunk_untilResumed_thenCompletes() {
        long datasetId = upload(alice, "paused-" + UUID.randomUUID(), null, "p.csv", "a,b\n1,2\n3,4\n5,6\n")
                .get("dataset_id").asLong();
        String runId = newRunId();
        var args = codec.mapper().createObjectNode().put("dataset_id", datasetId);
        List<EventEnvelope> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topics.runEvents()));
            // the request reaches the executor before the run does: it is kept and applies at the first checkpoint
            control(runId, "run.pause-requested", "dataset/statistics", 1);
            publish(runId, "run.created", statisticsRun(runId, args, 1));
            awaitRunEvent(consumer, runId, events, "run.paused");
            // paused: nothing computed, nothing finished (the whole pass takes milliseconds when not paused)
            pollRunEvents(consumer, runId, events, Duration.ofMillis(1500), found -> false);
            assertThat(types(events)).doesNotContain("run.resumed", "run.finished");
            web.get().uri("/api/v1/dataset/statistics?dataset_id=" + datasetId).header(HttpHeaders.AUTHORIZATION, alice)
                    .exchange().expectStatus().isNotFound();

            control(runId, "run.resume-requested", "dataset/statistics", 1);
            awaitRunEvents(consumer, runId, events, 1);
        }
        assertThat(types(events)).containsSubsequence("run.started", "run.paused", "run.resumed", "run.finished");
        assertThat(finished(events).data().get("status").asString()).isEqualTo("completed");
        assertThat(getJson(alice, "/api/v1/dataset/statistics?dataset_id=" + datasetId).get("total_rows").asLong()).isEqualTo(3);
    }

    @Test
    void aPausedValidationRun_cancelled_endsCancelled_andLeavesItsFileAsItWas() {
        JsonNode uploaded = upload(alice, "cancelled-" + UUID.randomUUID(), null, "c.csv", "a,b\n1,2\n3,4\n");
        long datasetId = uploaded.get("dataset_id").asLong();
        long fileId = uploaded.get("files").get(0).get("id").asLong();
        String runId = newRunId();
        var args = codec.mapper().createObjectNode().put("dataset_id", datasetId);
        args.putArray("file_ids").add(fileId);
        List<EventEnvelope> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topics.runEvents()));
            control(runId, "run.pause-requested", "dataset/validate", 1);
            publish(runId, "run.created", new RunEvents.RunCreated(runId, "dataset/validate", "dataset-service", "alice",
                    null, args, 5, List.of(), null, 1, Instant.now()));
            awaitRunEvent(consumer, runId, events, "run.paused");
            control(runId, "run.cancel-requested", "dataset/validate", 1);
            awaitRunEvents(consumer, runId, events, 1);
        }
        assertThat(types(events)).containsSubsequence("run.started", "run.paused", "run.finished").doesNotContain("run.resumed");
        JsonNode finished = finished(events).data();
        assertThat(finished.get("status").asString()).isEqualTo("cancelled");
        assertThat(finished.get("error").get("code").asString()).isEqualTo("cancelled");
        JsonNode file = getJson(alice, "/api/v1/files/get_file_by_id/?file_id=" + fileId);
        assertThat(file.get("validation_status").asString()).isEqualTo("validated");
        assertThat(file.get("total_records").asLong()).isEqualTo(2);
    }

    @Test
    void aCancelThatArrivesBeforeTheRun_endsItCancelled_withoutStartingIt() {
        long datasetId = upload(alice, "never-" + UUID.randomUUID(), null, "n.csv", "a\n1\n").get("dataset_id").asLong();
        String runId = newRunId();
        List<EventEnvelope> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topics.runEvents()));
            control(runId, "run.cancel-requested", "dataset/statistics", 1);
            publish(runId, "run.created", statisticsRun(runId, codec.mapper().createObjectNode().put("dataset_id", datasetId), 1));
            awaitRunEvents(consumer, runId, events, 1);
        }
        assertThat(types(events)).doesNotContain("run.started");
        assertThat(finished(events).data().get("status").asString()).isEqualTo("cancelled");
        web.get().uri("/api/v1/dataset/statistics?dataset_id=" + datasetId).header(HttpHeaders.AUTHORIZATION, alice)
                .exchange().expectStatus().isNotFound();
    }

    private static String newRunId() {
        return "run_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static RunEvents.RunCreated statisticsRun(String runId, JsonNode args, int attempt) {
        return new RunEvents.RunCreated(runId, "dataset/statistics", "dataset-service", "alice", null, args, 5, List.of(), null,
                attempt, Instant.now());
    }

    private static List<String> types(List<EventEnvelope> events) {
        return events.stream().map(EventEnvelope::type).toList();
    }

    private static EventEnvelope finished(List<EventEnvelope> events) {
        return events.stream().filter(e -> e.type().equals("run.finished")).findFirst().orElseThrow();
    }

    private void awaitRunEvents(KafkaConsumer<String, String> consumer, String runId, List<EventEnvelope> events, int finished) {
        assertThat(pollRunEvents(consumer, runId, events, Duration.ofSeconds(60),
                found -> found.stream().filter(e -> e.type().equals("run.finished")).count() == finished))
                .as("%d run.finished of %s in %s", finished, runId, events).isTrue();
    }

    private void awaitRunEvent(KafkaConsumer<String, String> consumer, String runId, List<EventEnvelope> events, String type) {
        assertThat(pollRunEvents(consumer, runId, events, Duration.ofSeconds(60), found -> types(found).contains(type)))
                .as("%s of %s in %s", type, runId, types(events)).isTrue();
    }

    /** Collects the run's events (not the test's own) until {@code done} holds (true) or {@code time} passed (false). */
    private boolean pollRunEvents(KafkaConsumer<String, String> consumer, String runId, List<EventEnvelope> events, Duration time,
                                  java.util.function.Predicate<List<EventEnvelope>> done) {
        long end = System.nanoTime() + time.toNanos();
        while (!done.test(events)) {
            if (System.nanoTime() > end) {
                return false;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                EventEnvelope event = codec.read(record.value());
                if (runId.equals(event.subject()) && !event.source().endsWith("training-service")) {
                    events.add(event);
                }
            });
        }
        return true;
    }

    /**
     * Sends a control request as job-service does and waits until the service's control listener has
     * handled it (its consumer group committed past it), so that what follows cannot overtake it.
     */
    private void control(String runId, String type, String jobId, int attempt) {
        var sent = kafka.send(topics.runControl(), runId, codec.write(codec.event("/runstream/job-service", type, runId, "acme",
                new RunEvents.ControlRequested(runId, jobId, "dataset-service", attempt, "alice", null)))).join();
        var metadata = sent.getRecordMetadata();
        var partition = new org.apache.kafka.common.TopicPartition(metadata.topic(), metadata.partition());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                environment.getProperty("spring.kafka.bootstrap-servers")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var group : admin.listConsumerGroups().all().get()) {
                    if (group.groupId().contains("dataset-run-control-")) {
                        var offset = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get()
                                .get(partition);
                        if (offset != null && offset.offset() > metadata.offset()) {
                            return true;
                        }
                    }
                }
                return false;
            });
        }
    }

    private void publish(String runId, String type, Object payload) {
        kafka.send(topics.runEvents(), runId, codec.write(codec.event("/runstream/training-service", type, runId, "acme", payload)))
                .join();
    }

    // ---------------------------------------------------------------- helpers

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getProperty("spring.kafka.bootstrap-servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, Object> column(String name, String type, String defaultValue) {
        Map<String, Object> column = new HashMap<>();
        column.put("column_name", name);
        column.put("data_type", type);
        column.put("default_value", defaultValue);
        return column;
    }

    private long createTemplate(String token, String name, List<Map<String, Object>> columns) {
        return web.post().uri("/api/v1/template/").header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("template_name", name, "template_schema", columns))
                .exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asLong();
    }

    private JsonNode getJson(String token, String uri) {
        return web.get().uri(uri).header(HttpHeaders.AUTHORIZATION, token).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode upload(String token, String name, Long template, String fileName, String csv) {
        String uri = "/api/v1/dataset/upload?dataset_name=" + name + "&usage=p" + (template == null ? "" : "&template_id=" + template);
        return uploadTo(token, uri, fileName, csv.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode uploadTo(String token, String uri, String fileName, byte[] content) {
        return web.post().uri(uri).header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MULTIPART).bodyValue(multipart(fileName, content))
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private void uploadExpecting(String token, String uri, String fileName, byte[] content, int status) {
        web.post().uri(uri).header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MULTIPART).bodyValue(multipart(fileName, content))
                .exchange().expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    /**
     * A multipart body built by hand with a fixed boundary: the client's own boundary generator draws
     * from SecureRandom on the event loop, which BlockHound (rightly) rejects.
     */
    private static byte[] multipart(String fileName, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + fileName
                + "\"\r\nContent-Type: text/csv\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] formField(String name, String value) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode find(JsonNode array, String field, Object value) {
        for (JsonNode node : array) {
            if (node.has(field) && node.get(field).asString().equals(String.valueOf(value))) {
                return node;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }

}
