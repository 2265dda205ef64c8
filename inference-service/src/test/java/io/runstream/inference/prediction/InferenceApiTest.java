package io.runstream.inference.prediction;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.run.RunStatus;
import io.runstream.platform.test.RealInfrastructure;
import io.runstream.platform.test.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "runstream.inference.batch-chunk-rows=64", "runstream.inference.upstream-timeout=3s"})
@RealInfrastructure
@AutoConfigureWebTestClient(timeout = "30s")
class InferenceApiTest {

    static final FakeUpstreams UPSTREAMS = new FakeUpstreams();
    static final String TENANT = "acme";
    static final String ALICE = TestTokens.bearer(TestTokens.user("alice").tenant(TENANT).roles("data_scientist")
            .permissions("can_predict", "models:read").sign());
    static final String EVE = TestTokens.bearer(TestTokens.user("eve").tenant("globex").roles("admin")
            .permissions("can_predict", "models:read").sign());
    static final String VIEWER = TestTokens.bearer(TestTokens.user("vic").tenant(TENANT).roles("viewer")
            .permissions("models:read").sign());
    static final double[] SALES = TestModels.seasonalSeries(300, 5);
    static final double[] LONGER_SALES = TestModels.seasonalSeries(314, 5);

    static {
        try {
            UPSTREAMS.bundles.put(TENANT + "/19", TestModels.churnBundle(19, 1, 7, 40));
            UPSTREAMS.bundles.put(TENANT + "/20", TestModels.churnBundle(20, 1, 8, 40));
            UPSTREAMS.bundles.put(TENANT + "/22", TestModels.churnBundle(22, 1, 9, 40));
            UPSTREAMS.bundles.put(TENANT + "/30", TestModels.forecastBundle(30, SALES, 286));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        UPSTREAMS.notTrained.put(TENANT + "/21", "running");
        try {
            UPSTREAMS.bundles.put("globex/30", TestModels.forecastBundle(30, SALES, 286));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // the series continued for 300 days, newest rows first, one without a value
        StringBuilder sales = new StringBuilder("Store,Date,Sales\n");
        for (int d = 299; d >= 0; d--) {
            sales.append("S1,").append(LocalDate.of(2024, 1, 1).plusDays(d)).append(',')
                    .append(d == 150 ? "" : String.valueOf(LONGER_SALES[d])).append('\n');
        }
        UPSTREAMS.datasets.put(TENANT + "/46", sales.toString());
        UPSTREAMS.datasets.put(TENANT + "/47", "Day,Sales\n2024-01-01,3\n");
        UPSTREAMS.datasets.put(TENANT + "/48", "Date,Sales\n2024-01-01,\n2024-01-02,\n");
        UPSTREAMS.datasets.put(TENANT + "/49", sales.toString());
        UPSTREAMS.stalledDatasets.add(TENANT + "/49");
        UPSTREAMS.datasets.put(TENANT + "/44", TestModels.churnCsv(300, 99, true));
        UPSTREAMS.datasets.put(TENANT + "/45", "CustomerID,Tenure\nC1,3\n");
    }

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("runstream.inference.training-service-url", UPSTREAMS::url);
        registry.add("runstream.inference.dataset-service-url", UPSTREAMS::url);
    }

    @AfterAll
    static void stop() {
        UPSTREAMS.close();
    }

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int port;

    @Autowired
    KafkaTemplate<Object, Object> kafka;

    @Autowired
    Topics topics;

    @Autowired
    EventCodec codec;

    static Map<String, Object> features(Object tenure, Object charges, Object plan) {
        Map<String, Object> features = new HashMap<>();
        features.put("Tenure", tenure);
        features.put("MonthlyCharges", charges);
        features.put("Plan", plan);
        return features;
    }

    static Map<String, Object> predict(long trainId, Map<String, Object> features) {
        Map<String, Object> body = new HashMap<>(Map.of("train_id", trainId, "preprocess_id", 7, "features", features,
                "target", "Churn"));
        return body;
    }

    @Test
    void realtimePrediction_answersClassAndProbabilities_andIsLogged() {
        Map<String, Object> body = predict(19, features(2, 110.5, "basic"));
        body.put("client_id", "mobile-app");
        JsonNode answer = web.post().uri("/api/v1/inference/").header("Authorization", ALICE)
                .header("X-Workload-Id", "churn-scoring").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(answer.get("prediction").asString()).isEqualTo("true");
        assertThat(answer.get("probabilities").get("true").asDouble()).isGreaterThan(0.5);
        assertThat(answer.get("probabilities").get("true").asDouble() + answer.get("probabilities").get("false").asDouble())
                .isCloseTo(1.0, within(1e-6));
        assertThat(answer.get("model_version").asInt()).isEqualTo(1);
        JsonNode loyal = post(ALICE, "/api/v1/inference/", predict(19, features(70, "25", "premium")), 200);
        assertThat(loyal.get("prediction").asString()).isEqualTo("false");

        JsonNode log = get(ALICE, "/api/v1/inference/predictions?train_id=19&workload_id=churn-scoring", 200);
        assertThat(log.get("total").asInt()).isEqualTo(1);
        JsonNode item = log.get("data").get(0);
        assertThat(item.get("prediction_id").asLong()).isEqualTo(answer.get("prediction_id").asLong());
        assertThat(item.get("prediction_type").asString()).isEqualTo("realtime");
        assertThat(item.get("client_id").asString()).isEqualTo("mobile-app");
        assertThat(item.get("input").get("Plan").asString()).isEqualTo("basic");
        assertThat(item.get("output").get("prediction").asString()).isEqualTo("true");
        assertThat(item.get("latency_ms").asDouble()).isPositive();
        assertThat(item.get("predictor_name").asString()).isEqualTo("churn");
        assertThat(item.get("status").asString()).isEqualTo("completed");
        assertThat(get(ALICE, "/api/v1/inference/predictions?train_id=19", 200).get("total").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(get(EVE, "/api/v1/inference/predictions?train_id=19", 200).get("total").asInt()).isZero();
    }

    @Test
    void concurrentPredictions_areAllLogged_withInputOutputLatencyAndIds() {
        int n = 120;
        // one alone first: BlockHound reports Jackson's lock on deserializers built by concurrent first requests
        post(ALICE, "/api/v1/inference/", predict(19, features(1, 20.0, "basic")), 200);
        WebClient client = WebClient.create("http://localhost:" + port);
        List<JsonNode> answers = Flux.range(0, n)
                .flatMap(i -> {
                    Map<String, Object> body = predict(19, features(i % 72, 20.0 + i, i % 2 == 0 ? "basic" : "plus"));
                    body.put("client_id", "client-" + i);
                    return client.post().uri("/api/v1/inference/").header("Authorization", ALICE)
                            .header("X-Workload-Id", "flywheel-concurrency").contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(body).retrieve().bodyToMono(JsonNode.class);
                }, 32)
                .collectList().block(Duration.ofSeconds(60));
        assertThat(answers).hasSize(n);
        Map<Long, JsonNode> answered = new HashMap<>();
        answers.forEach(a -> answered.put(a.get("prediction_id").asLong(), a));
        assertThat(answered).hasSize(n);

        JsonNode log = get(ALICE, "/api/v1/inference/predictions?train_id=19&workload_id=flywheel-concurrency&limit=1000",
                200);
        assertThat(log.get("total").asInt()).isEqualTo(n);
        assertThat(log.get("data").size()).isEqualTo(n);
        for (JsonNode item : log.get("data")) {
            JsonNode answer = answered.get(item.get("prediction_id").asLong());
            assertThat(answer).as("logged prediction %s was answered", item.get("prediction_id")).isNotNull();
            int i = Integer.parseInt(item.get("client_id").asString().substring("client-".length()));
            assertThat(item.get("input").get("Tenure").asInt()).isEqualTo(i % 72);
            assertThat(item.get("input").get("MonthlyCharges").asDouble()).isEqualTo(20.0 + i);
            assertThat(item.get("output").get("prediction").asString()).isEqualTo(answer.get("prediction").asString());
            assertThat(item.get("output").get("probabilities").get("true").asDouble())
                    .isEqualTo(answer.get("probabilities").get("true").asDouble());
            assertThat(item.get("latency_ms").asDouble()).isEqualTo(answer.get("latency_ms").asDouble());
            assertThat(item.get("workload_id").asString()).isEqualTo("flywheel-concurrency");
            assertThat(item.get("prediction_type").asString()).isEqualTo("realtime");
            assertThat(item.get("model_version").asInt()).isEqualTo(answer.get("model_version").asInt());
            assertThat(item.get("date").isNull()).isFalse();
        }
    }

    @Test
    void predictionLog_isListedInBoundedPages_newestFirst_withTheTotal() {
        int n = 250;
        Function<Integer, Map<String, Object>> request = i -> {
            Map<String, Object> body = predict(22, features(i % 72, 20.0 + i, "basic"));
            body.put("preprocess_id", 9);
            body.put("workload_id", "paging");
            body.put("client_id", i % 2 == 0 ? "even" : "odd");
            return body;
        };
        // one alone first: BlockHound reports Jackson's lock on deserializers built by concurrent first requests
        long alone = post(ALICE, "/api/v1/inference/", request.apply(0), 200).get("prediction_id").asLong();
        WebClient client = WebClient.create("http://localhost:" + port);
        Set<Long> answered = new HashSet<>(Flux.range(1, n - 1)
                .flatMap(i -> {
                    Map<String, Object> body = request.apply(i);
                    return client.post().uri("/api/v1/inference/").header("Authorization", ALICE)
                            .contentType(MediaType.APPLICATION_JSON).bodyValue(body).retrieve().bodyToMono(JsonNode.class)
                            .map(answer -> answer.get("prediction_id").asLong());
                }, 32)
                .collectList().block(Duration.ofSeconds(60)));
        answered.add(alone);
        assertThat(answered).hasSize(n);
        long batch = post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 22, "dataset_id", 44), 202)
                .get("prediction_id").asLong();
        Set<Long> all = new HashSet<>(answered);
        all.add(batch);
        String list = "/api/v1/inference/predictions?train_id=22";

        // without a limit: the first 100, the real total, a cursor to the next page
        JsonNode first = get(ALICE, list, 200);
        assertThat(first.get("total").asLong()).isEqualTo(n + 1);
        assertThat(first.get("limit").asInt()).isEqualTo(100);
        assertThat(first.get("offset").asInt()).isZero();
        assertThat(first.get("data").size()).isEqualTo(100);
        List<Long> firstIds = ids(first);
        assertThat(firstIds).isSortedAccordingTo(Comparator.reverseOrder()).doesNotHaveDuplicates();
        assertThat(firstIds.get(0)).isEqualTo(all.stream().max(Long::compare).orElseThrow());
        assertThat(first.get("next_cursor").asString()).isEqualTo(String.valueOf(firstIds.get(99)));
        assertThat(first.get("data").get(0).propertyNames()).contains("prediction_id", "train_id", "date", "dataset_id",
                "predictor_name", "prediction_type", "input_data", "status", "no_of_records", "accuracy", "problem_type",
                "domain_name");

        // the cursor walks the whole log once, newest first; the last page has no next_cursor
        List<Long> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get(ALICE, list + "&limit=60" + (cursor == null ? "" : "&cursor=" + cursor), 200);
            assertThat(page.get("total").asLong()).isEqualTo(n + 1);
            walked.addAll(ids(page));
            cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asString() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(5);
        assertThat(walked).isSortedAccordingTo(Comparator.reverseOrder()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(all);

        // offset pages agree with the cursor's
        assertThat(ids(get(ALICE, list + "&limit=100&offset=100", 200))).isEqualTo(walked.subList(100, 200));
        assertThat(ids(get(ALICE, list + "&limit=20&offset=40&cursor=" + walked.get(99), 200)))
                .isEqualTo(walked.subList(140, 160));
        JsonNode everything = get(ALICE, list + "&limit=1000", 200);
        assertThat(ids(everything)).isEqualTo(walked);
        assertThat(everything.has("next_cursor")).isFalse();
        JsonNode beyond = get(ALICE, list + "&offset=5000", 200);
        assertThat(beyond.get("data").size()).isZero();
        assertThat(beyond.get("total").asLong()).isEqualTo(n + 1);

        // filters still filter, and the total counts what they match
        JsonNode batches = get(ALICE, list + "&prediction_type=batch", 200);
        assertThat(batches.get("total").asLong()).isEqualTo(1);
        assertThat(ids(batches)).containsExactly(batch);
        JsonNode realtime = get(ALICE, list + "&prediction_type=realtime&limit=7", 200);
        assertThat(realtime.get("total").asLong()).isEqualTo(n);
        assertThat(ids(realtime)).isEqualTo(walked.stream().filter(answered::contains).limit(7).toList());
        assertThat(get(ALICE, list + "&prediction_type=forecast", 200).get("total").asLong()).isZero();
        JsonNode odd = get(ALICE, list + "&workload_id=paging&client_id=odd&limit=10", 200);
        assertThat(odd.get("total").asLong()).isEqualTo(n / 2);
        assertThat(odd.get("data").size()).isEqualTo(10);
        odd.get("data").forEach(item -> assertThat(item.get("client_id").asString()).isEqualTo("odd"));
        assertThat(get(ALICE, list + "&workload_id=paging", 200).get("total").asLong()).isEqualTo(n);
        assertThat(get(ALICE, list + "&client_id=even", 200).get("total").asLong()).isEqualTo(n / 2);

        // another tenant's train_id matches nothing (as a filter naming something not the caller's)
        JsonNode foreign = get(EVE, list, 200);
        assertThat(foreign.get("total").asLong()).isZero();
        assertThat(foreign.get("data").size()).isZero();
        get(VIEWER, list + "&limit=1", 200);
    }

    @Test
    void predictionLog_refusesPagesOutOfBounds_andBadCursors() {
        String list = "/api/v1/inference/predictions?train_id=19";
        assertThat(errors(get(ALICE, list + "&limit=0", 400))).contains("\"limit\"", "between 1 and 1000");
        assertThat(errors(get(ALICE, list + "&limit=1001", 400))).contains("\"limit\"", "between 1 and 1000");
        assertThat(errors(get(ALICE, list + "&limit=100000", 400))).contains("\"limit\"");
        assertThat(errors(get(ALICE, list + "&limit=ten", 400))).contains("\"limit\"", "integer");
        assertThat(errors(get(ALICE, list + "&offset=-1", 400))).contains("\"offset\"");
        assertThat(errors(get(ALICE, list + "&offset=x", 400))).contains("\"offset\"", "integer");
        assertThat(errors(get(ALICE, list + "&offset=100001", 400))).contains("\"offset\"", "cursor");
        assertThat(errors(get(ALICE, list + "&cursor=abc", 400))).contains("\"cursor\"");
        assertThat(errors(get(ALICE, list + "&cursor=0", 400))).contains("\"cursor\"");
        assertThat(errors(get(ALICE, list + "&cursor=-3", 400))).contains("\"cursor\"");
        assertThat(errors(get(ALICE, list + "&cursor=99999999999999999999", 400))).contains("\"cursor\"");
        assertThat(errors(get(ALICE, list + "&prediction_type=live", 400))).contains("\"prediction_type\"");
        JsonNode nul = web.get().uri(b -> b.path("/api/v1/inference/predictions").queryParam("train_id", 19)
                        .queryParam("workload_id", "a\u0000b").build())
                .header("Authorization", ALICE).exchange().expectStatus().isBadRequest().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(errors(nul)).contains("\"workload_id\"", "NUL");
        JsonNode several = get(ALICE, list + "&limit=0&offset=-1&cursor=z", 400);
        assertThat(several.get("errors").size()).isEqualTo(3);
        assertThat(several.get("status").asInt()).isEqualTo(400);
        get(ALICE, "/api/v1/inference/predictions?train_id=abc", 400);
        get(ALICE, "/api/v1/inference/predictions?limit=10", 400);
        web.get().uri(list).exchange().expectStatus().isUnauthorized();
        assertThat(get(ALICE, list + "&limit=1000&offset=100000", 200).get("limit").asInt()).isEqualTo(1000);
    }

    static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("data").forEach(item -> ids.add(item.get("prediction_id").asLong()));
        return ids;
    }

    @Test
    void aNulCharacter_isRefusedUpFront_becauseTheLogCouldNotStoreIt() {
        assertThat(errors(post(ALICE, "/api/v1/inference/", predict(19, features(3, 50, "ba\u0000sic")), 400)))
                .contains("\"features\"", "NUL");
        Map<String, Object> body = predict(19, features(3, 50, "basic"));
        body.put("workload_id", "nul-\u0000");
        assertThat(errors(post(ALICE, "/api/v1/inference/", body, 400))).contains("workload_id");
        Map<String, Object> escaped = predict(19, features(3, 50, "a\\u0000 is fine"));
        escaped.put("workload_id", "nul-check");
        post(ALICE, "/api/v1/inference/", escaped, 200);
        JsonNode log = get(ALICE, "/api/v1/inference/predictions?train_id=19&workload_id=nul-check", 200);
        assertThat(log.get("total").asInt()).isEqualTo(1);
        assertThat(log.get("data").get(0).get("input").get("Plan").asString()).isEqualTo("a\\u0000 is fine");
    }

    @Test
    void badInput_answersProblemsNamingTheField() {
        assertThat(errors(post(ALICE, "/api/v1/inference/", predict(19, Map.of("Tenure", 3, "MonthlyCharges", 50,
                "Plan", "basic", "Colour", "red")), 400))).contains("features.Colour");
        assertThat(errors(post(ALICE, "/api/v1/inference/", predict(19, Map.of("MonthlyCharges", 50, "Plan", "basic")), 400)))
                .contains("features.Tenure", "is missing");
        assertThat(errors(post(ALICE, "/api/v1/inference/", predict(19, features("three", 50, "basic")), 400)))
                .contains("features.Tenure", "must be a number");
        assertThat(errors(post(ALICE, "/api/v1/inference/", predict(19, features(3, Map.of("a", 1), "basic")), 400)))
                .contains("features.MonthlyCharges");
        Map<String, Object> wrongPreprocess = predict(19, features(3, 50, "basic"));
        wrongPreprocess.put("preprocess_id", 99);
        assertThat(errors(post(ALICE, "/api/v1/inference/", wrongPreprocess, 400))).contains("preprocess_id");
        Map<String, Object> wrongTarget = predict(19, features(3, 50, "basic"));
        wrongTarget.put("target", "Revenue");
        assertThat(errors(post(ALICE, "/api/v1/inference/", wrongTarget, 400))).contains("target");
        Map<String, Object> notObject = predict(19, features(3, 50, "basic"));
        notObject.put("features", List.of(1, 2));
        assertThat(errors(post(ALICE, "/api/v1/inference/", notObject, 400))).contains("features");
        assertThat(errors(post(ALICE, "/api/v1/inference/", Map.of("features", Map.of()), 400)))
                .contains("train_id", "preprocess_id", "target");
        web.post().uri("/api/v1/inference/").header("Authorization", ALICE).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"train_id\": \"x\"}").exchange().expectStatus().isBadRequest();
        JsonNode notTrained = post(ALICE, "/api/v1/inference/", predict(21, features(3, 50, "basic")), 409);
        assertThat(notTrained.toString()).contains("train_id", "running");
        post(ALICE, "/api/v1/inference/", predict(404, features(3, 50, "basic")), 404);
        post(EVE, "/api/v1/inference/", predict(19, features(3, 50, "basic")), 404);
        post(VIEWER, "/api/v1/inference/", predict(19, features(3, 50, "basic")), 403);
        web.post().uri("/api/v1/inference/").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(predict(19, features(3, 50, "basic"))).exchange().expectStatus().isUnauthorized();
        get(ALICE, "/api/v1/inference/form-based-prediction", 400);
        get(ALICE, "/api/v1/inference/form-based-prediction?id=404", 404);
        get(EVE, "/api/v1/inference/form-based-prediction?id=19", 404);
        get(ALICE, "/api/v1/inference/predictions", 400);
        get(ALICE, "/api/v1/inference/predictions?train_id=19&limit=0", 400);
        get(ALICE, "/api/v1/inference/result?prediction_id=987654", 404);
        get(ALICE, "/api/v1/inference/result?prediction_id=abc", 400);
        assertThat(errors(post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 19), 400))).contains("dataset_id");
        post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 404, "dataset_id", 44), 404);
        post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 21, "dataset_id", 44), 409);
        Map<String, Object> forecastOnTabular = forecast(19, 7, 4, "Day");
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", forecastOnTabular, 400))).contains("train_id");
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", forecast(30, 530, 4, "Week"), 400))).contains("frequency");
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", forecast(30, 530, 0, "Day"), 400))).contains("steps");
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", Map.of("train_id", 30), 400)))
                .contains("preprocess_id", "steps", "frequency", "unique_id");
    }

    @Test
    void form_listsTheFeaturesWithDefaults() {
        JsonNode form = get(VIEWER, "/api/v1/inference/form-based-prediction?id=19", 200);
        assertThat(form.get("id").asLong()).isEqualTo(19);
        assertThat(form.get("target").asString()).isEqualTo("Churn");
        assertThat(form.get("preprocess_id").asLong()).isEqualTo(7);
        assertThat(form.get("headers").size()).isEqualTo(3);
        assertThat(form.get("headers").get(0).get("column_name").asString()).isEqualTo("Tenure");
        assertThat(form.get("headers").get(0).get("data_type").asString()).isEqualTo("Integer");
        assertThat(form.get("headers").get(0).get("default_value").asString()).isEqualTo("36");
        assertThat(form.get("headers").get(2).get("default_value").asString()).isEqualTo("basic");
    }

    @Test
    void batchPrediction_matchesRealtimePredictionsRowByRow() throws Exception {
        JsonNode submitted = post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 20, "dataset_id", 44), 202);
        long predictionId = submitted.get("prediction_id").asLong();
        assertThat(submitted.get("run_id").asString()).startsWith("run_");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                get(ALICE, "/api/v1/inference/result?prediction_id=" + predictionId, 200).get("status").asString()
                        .equals("completed"));
        JsonNode result = get(ALICE, "/api/v1/inference/result?prediction_id=" + predictionId, 200);
        assertThat(result.get("file_id").asLong()).isEqualTo(81);
        assertThat(result.get("dataset_id").asLong()).isEqualTo(44);
        assertThat(result.get("no_of_records").asLong()).isEqualTo(300);
        assertThat(result.get("accuracy").asDouble()).isGreaterThan(0.8);
        assertThat(result.get("result_path").asString()).contains("predictions_" + predictionId + ".csv");
        get(EVE, "/api/v1/inference/result?prediction_id=" + predictionId, 404);

        byte[] upload = UPSTREAMS.uploads.get(TENANT + "/44/predictions_" + predictionId + ".csv");
        List<CsvRecord> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(new String(upload, StandardCharsets.UTF_8))) {
            reader.forEach(rows::add);
        }
        assertThat(rows.get(0).getFields()).containsExactly("CustomerID", "Tenure", "MonthlyCharges", "Plan", "Churn",
                "prediction", "probability_false", "probability_true");
        assertThat(rows).hasSize(301);
        for (int i = 1; i <= 40; i++) {
            CsvRecord row = rows.get(i);
            Map<String, Object> features = features(row.getField(1), row.getField(2).isEmpty() ? null : row.getField(2),
                    row.getField(3));
            Map<String, Object> body = predict(20, features);
            body.put("preprocess_id", 8);
            JsonNode realtime = post(ALICE, "/api/v1/inference/", body, 200);
            assertThat(row.getField(5)).isEqualTo(realtime.get("prediction").asString());
            assertThat(Double.parseDouble(row.getField(7))).isCloseTo(realtime.get("probabilities").get("true").asDouble(),
                    within(1e-6));
        }
        JsonNode batchLog = get(ALICE, "/api/v1/inference/predictions?train_id=20&prediction_type=batch", 200).get("data").get(0);
        assertThat(batchLog.get("input_data").asString()).isEqualTo("dataset_id:44");
        assertThat(batchLog.get("no_of_records").asLong()).isEqualTo(300);
        assertThat(batchLog.get("accuracy").asDouble()).isGreaterThan(0.8);
    }

    @Test
    void batchPrediction_failsClearly_whenTheDatasetLacksAFeature() {
        long id = post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 20, "dataset_id", 45), 202)
                .get("prediction_id").asLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                get(ALICE, "/api/v1/inference/result?prediction_id=" + id, 200).get("status").asString().equals("failed"));
        assertThat(get(ALICE, "/api/v1/inference/result?prediction_id=" + id, 200).get("error").asString())
                .contains("MonthlyCharges");
        long missing = post(ALICE, "/api/v1/inference/batchPrediction", Map.of("train_id", 20, "dataset_id", 999), 202)
                .get("prediction_id").asLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                get(ALICE, "/api/v1/inference/result?prediction_id=" + missing, 200).get("status").asString().equals("failed"));
    }

    @Test
    void aFinishedTraining_replacesTheCachedModel() throws Exception {
        Map<String, Object> body = predict(19, features(2, 110.5, "basic"));
        assertThat(post(ALICE, "/api/v1/inference/", body, 200).get("model_version").asInt()).isEqualTo(1);
        UPSTREAMS.bundles.put(TENANT + "/19", TestModels.churnBundle(19, 2, 7, 60));
        ObjectNode result = codec.mapper().createObjectNode();
        result.put("job_id", "training/tabular");
        result.put("train_id", 19);
        result.put("model_version", 2);
        var event = codec.event("/runstream/training-service", EventTypes.RUN_FINISHED, "run_test", TENANT,
                new RunEvents.RunFinished("run_test", RunStatus.COMPLETED, result, null));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            kafka.send(topics.runEvents(), "run_test", codec.write(event)).get();
            return post(ALICE, "/api/v1/inference/", body, 200).get("model_version").asInt() == 2;
        });
    }

    @Test
    void forecast_ofASeasonalSeries_beatsTheNaiveForecast_withIntervals() {
        JsonNode answer = post(ALICE, "/api/v1/inference/forecast", forecast(30, 530, 14, "Day"), 200);
        JsonNode points = answer.get("forecast");
        assertThat(points.size()).isEqualTo(14);
        assertThat(points.get(0).get("date").asString()).isEqualTo("2024-10-13");
        double modelError = 0;
        double naiveError = 0;
        double last = SALES[285];
        for (int h = 0; h < 14; h++) {
            JsonNode point = points.get(h);
            assertThat(point.get("lower").asDouble()).isLessThan(point.get("value").asDouble());
            assertThat(point.get("upper").asDouble()).isGreaterThan(point.get("value").asDouble());
            assertThat(point.get("confidence").asDouble()).isEqualTo(0.95);
            double actual = SALES[286 + h];
            modelError += Math.pow(point.get("value").asDouble() - actual, 2);
            naiveError += Math.pow(last - actual, 2);
        }
        assertThat(Math.sqrt(modelError / 14)).isLessThan(Math.sqrt(naiveError / 14) * 0.6);
        assertThat(get(ALICE, "/api/v1/inference/predictions?train_id=30", 200).get("data").get(0)
                .get("prediction_type").asString()).isEqualTo("forecast");
    }

    @Test
    void forecast_withADataset_continuesThatDatasetsHistory() {
        assertThat(LONGER_SALES[299]).isEqualTo(SALES[299]);
        Map<String, Object> body = new HashMap<>(forecast(30, 530, 14, "Day"));
        body.put("dataset_id", 46);
        JsonNode points = post(ALICE, "/api/v1/inference/forecast", body, 200).get("forecast");
        assertThat(points.size()).isEqualTo(14);
        // the training data ended on day 286 (2024-10-13); the dataset on day 300
        assertThat(points.get(0).get("date").asString()).isEqualTo("2024-10-27");
        double modelError = 0;
        double naiveError = 0;
        for (int h = 0; h < 14; h++) {
            double actual = LONGER_SALES[300 + h];
            modelError += Math.pow(points.get(h).get("value").asDouble() - actual, 2);
            naiveError += Math.pow(LONGER_SALES[299] - actual, 2);
        }
        assertThat(Math.sqrt(modelError / 14)).isLessThan(Math.sqrt(naiveError / 14) * 0.6);
        JsonNode logged = get(ALICE, "/api/v1/inference/predictions?train_id=30&prediction_type=forecast", 200)
                .get("data").get(0);
        assertThat(logged.get("dataset_id").asLong()).isEqualTo(46);

        body.put("dataset_id", 999);
        assertThat(post(ALICE, "/api/v1/inference/forecast", body, 404).toString()).contains("dataset_id");
        body.put("dataset_id", 46);
        assertThat(post(EVE, "/api/v1/inference/forecast", body, 404).toString()).contains("dataset_id");
        body.put("dataset_id", 47);
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", body, 400))).contains("dataset_id", "Date");
        body.put("dataset_id", 48);
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", body, 400))).contains("dataset_id", "no row");
        body.put("dataset_id", 0);
        assertThat(errors(post(ALICE, "/api/v1/inference/forecast", body, 400))).contains("dataset_id");
    }

    @Test
    void forecast_whenDatasetServiceStopsSending_answers503_insteadOfWaitingForever() {
        Map<String, Object> body = new HashMap<>(forecast(30, 530, 14, "Day"));
        body.put("dataset_id", 49);
        JsonNode problem = post(ALICE, "/api/v1/inference/forecast", body, 503);
        assertThat(problem.get("type").asString()).endsWith("dataset-unavailable");
        assertThat(problem.get("detail").asString()).contains("sent nothing for 3 s", "'49'");
        // the service is not stuck: the same model still forecasts from its own history
        body.remove("dataset_id");
        assertThat(post(ALICE, "/api/v1/inference/forecast", body, 200).get("forecast").size()).isEqualTo(14);
    }

    static Map<String, Object> forecast(long trainId, long preprocessId, int steps, String frequency) {
        return Map.of("train_id", trainId, "preprocess_id", preprocessId, "steps", steps, "frequency", frequency,
                "unique_id", "S1");
    }

    static String errors(JsonNode problem) {
        return problem.path("errors").toString();
    }

    JsonNode post(String token, String uri, Object body, int status) {
        return web.post().uri(uri).header("Authorization", token).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    JsonNode get(String token, String uri, int status) {
        return web.get().uri(uri).header("Authorization", token).exchange().expectStatus().isEqualTo(status)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
