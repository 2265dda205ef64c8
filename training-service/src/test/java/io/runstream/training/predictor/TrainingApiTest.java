package io.runstream.training.predictor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.run.RunIds;
import io.runstream.platform.test.RealInfrastructure;
import io.runstream.platform.test.TestTokens;
import io.runstream.training.engine.Datasets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "runstream.training.rounds=150", "runstream.training.early-stopping-rounds=0", "runstream.training.workers=1",
        "runstream.training.heartbeat-interval=1s"})
@RealInfrastructure
@AutoConfigureWebTestClient(timeout = "30s")
class TrainingApiTest {

    static final FakeDatasetService DATASETS = new FakeDatasetService();
    static final AtomicInteger NAMES = new AtomicInteger();
    static final JsonMapper JSON = JsonMapper.builder().build();

    static final String TENANT = "acme";
    static final String ALICE = TestTokens.bearer(TestTokens.user("alice").tenant(TENANT).roles("data_scientist")
            .permissions("can_train_models", "models:read").sign());
    static final String EVE = TestTokens.bearer(TestTokens.user("eve").tenant("globex").roles("admin")
            .permissions("can_train_models", "models:read").sign());
    static final String VIEWER = TestTokens.bearer(TestTokens.user("vic").tenant(TENANT).roles("viewer")
            .permissions("models:read").sign());
    static final String SERVICE = TestTokens.bearer(TestTokens.service("inference-service").sign());

    static {
        DATASETS.put(TENANT, 1, Datasets.churnCsv(1500, 1));
        DATASETS.put(TENANT, 2, Datasets.housesCsv(1000, 2));
        DATASETS.put(TENANT, 3, Datasets.churnCsv(20000, 3));
        DATASETS.put(TENANT, 4, "a,y\n" + "1,yes\n".repeat(50));
        DATASETS.put(TENANT, 5, Datasets.churnCsv(800, 5));
        DATASETS.put(TENANT, 6, Datasets.churnCsv(60000, 6));
        DATASETS.put(TENANT, 7, "CustomerID,Tenure,Churn\n" + "C1,3,true\n".repeat(40));
    }

    @DynamicPropertySource
    static void datasetService(DynamicPropertyRegistry registry) {
        registry.add("runstream.training.dataset-service-url", DATASETS::url);
        registry.add("runstream.training.job-service-url", DATASETS::url);
    }

    @AfterAll
    static void stop() {
        DATASETS.close();
    }

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    KafkaTemplate<Object, Object> kafka;

    @Autowired
    Topics topics;

    @Autowired
    EventCodec codec;

    // ------------------------------------------------------------------ happy paths

    @Test
    void classification_trainsWithLiveEvents_andBeatsTheMajorityClass() {
        JsonNode created = train(ALICE, churn("churn", 1, true, null));
        long id = created.get("id").asLong();
        assertThat(created.get("training_status").asString()).isEqualTo("pending");
        assertThat(created.get("run_id").asString()).startsWith("run_");
        JsonNode item = awaitStatus(ALICE, id, "completed");
        assertThat(item.get("training_status").asString()).isEqualTo("Completed");
        assertThat(item.get("preprocess_id").isNumber()).isTrue();

        JsonNode summary = get(ALICE, "/api/v1/train/model-summary?train_id=" + id, 200);
        JsonNode model = summary.get("model_summary");
        assertThat(model.get("model").asString()).isEqualTo("XGBoostClassifier");
        assertThat(model.get("accuracy").asDouble()).isGreaterThan(model.get("baseline_accuracy").asDouble() + 0.1);
        assertThat(model.get("roc_auc").asDouble()).isGreaterThan(0.85);
        assertThat(model.has("precision") && model.has("recall") && model.has("f1_score") && model.has("log_loss")).isTrue();
        assertThat(summary.get("confusion_matrix").size()).isEqualTo(2);
        assertThat(summary.get("split_seed").asLong()).isEqualTo(42);

        JsonNode importance = get(ALICE, "/api/v1/train/view-feature-importance?train_id=" + id, 200);
        assertThat(importance.get("status").asString()).isEqualTo("completed");
        double total = 0;
        for (JsonNode share : importance.get("feature_importance")) {
            total += share.asDouble();
        }
        assertThat(total).isBetween(0.999, 1.001);
        JsonNode shares = importance.get("feature_importance");
        assertThat(shares.properties().iterator().next().getKey()).isIn("Tenure", "MonthlyCharges", "Plan");
        assertThat(shares.get("Noise").asDouble()).isLessThan(shares.get("Tenure").asDouble());

        List<JsonNode> events = events(created.get("run_id").asString());
        List<String> steps = events.stream().filter(e -> e.get("type").asString().equals("step.started"))
                .map(e -> e.get("data").get("name").asString()).toList();
        assertThat(steps).containsExactly("load", "preprocess", "train", "evaluate", "save", "explain");
        List<JsonNode> progress = events.stream().filter(e -> e.get("type").asString().equals("run.progress")).toList();
        assertThat(progress).hasSize(150);
        assertThat(progress.get(0).get("data").get("metrics").has("validation_logloss")).isTrue();
        assertThat(events.get(0).get("type").asString()).isEqualTo("run.created");
        assertThat(events.get(0).get("data").get("executor").asString()).isEqualTo("training-service");
        JsonNode finished = events.get(events.size() - 1);
        assertThat(finished.get("type").asString()).isEqualTo("run.finished");
        assertThat(finished.get("data").get("status").asString()).isEqualTo("completed");
        assertThat(finished.get("data").get("result").get("train_id").asLong()).isEqualTo(id);
    }

    @Test
    void regression_servesItsBundleToServicesOnly() {
        long id = train(ALICE, request("houses", 2, "Regression", List.of(col("Id", "Id"), col("Price", "Target")), false, null))
                .get("id").asLong();
        awaitStatus(ALICE, id, "completed");
        JsonNode model = get(ALICE, "/api/v1/train/model-summary?train_id=" + id, 200).get("model_summary");
        assertThat(model.get("model").asString()).isEqualTo("XGBoostRegressor");
        assertThat(model.get("rmse").asDouble()).isLessThan(model.get("baseline_rmse").asDouble() * 0.5);
        assertThat(model.get("r2").asDouble()).isGreaterThan(0.8);

        JsonNode bundle = get(SERVICE, "/internal/v1/models/" + id + "?tenant=" + TENANT, 200);
        assertThat(bundle.get("model_version").asInt()).isEqualTo(1);
        assertThat(bundle.get("manifest").get("files").has("model.json")).isTrue();
        byte[] modelFile = web.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build().get().uri("/internal/v1/models/" + id + "/files/model.json?tenant=" + TENANT)
                .header("Authorization", SERVICE).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(modelFile.length).isEqualTo(bundle.get("manifest").get("files").get("model.json").get("size").asInt());
        get(SERVICE, "/internal/v1/models/" + id + "/files/secret.txt?tenant=" + TENANT, 404);
        get(SERVICE, "/internal/v1/models/" + id + "?tenant=globex", 404);
        get(SERVICE, "/internal/v1/models/" + id, 400);
        get(ALICE, "/internal/v1/models/" + id + "?tenant=" + TENANT, 403);

        JsonNode schema = get(ALICE, "/api/v1/train/download-schema/" + id, 200);
        assertThat(schema.get("schema").toString()).contains("Size", "Rooms", "City", "Price");
    }

    @Test
    void incrementalTraining_continuesThePreviousModel_andUpdateSwitchesPreprocess() {
        String name = "inc" + NAMES.incrementAndGet();
        long id = train(ALICE, churn(name, 5, false, null)).get("id").asLong();
        awaitStatus(ALICE, id, "completed");
        JsonNode first = get(ALICE, "/api/v1/train/model-summary?train_id=" + id, 200);

        JsonNode second = train(ALICE, churnIncremental(name, 5));
        assertThat(second.get("id").asLong()).isEqualTo(id);
        assertThat(second.get("model_version").asInt()).isEqualTo(2);
        awaitVersion(ALICE, id, 2);
        JsonNode continued = get(ALICE, "/api/v1/train/model-summary?train_id=" + id, 200);
        assertThat(continued.get("boosted_rounds").asInt()).isEqualTo(first.get("boosted_rounds").asInt() + 150);
        assertThat(continued.get("preprocess_id").asLong()).isEqualTo(first.get("preprocess_id").asLong());

        train(ALICE, churn(name, 5, false, null));
        awaitVersion(ALICE, id, 3);
        JsonNode third = get(ALICE, "/api/v1/train/model-summary?train_id=" + id, 200);
        assertThat(third.get("preprocess_id").asLong()).isNotEqualTo(first.get("preprocess_id").asLong());

        JsonNode updated = post(ALICE, "/api/v1/train/update/", Map.of("train_id", id, "preprocess_id",
                first.get("preprocess_id").asLong()), 200);
        assertThat(updated.get("preprocess_id").asLong()).isEqualTo(first.get("preprocess_id").asLong());
        assertThat(updated.get("active_model_version").asInt()).isEqualTo(2);
        post(ALICE, "/api/v1/train/update/", Map.of("train_id", id, "preprocess_id", 999999), 404);
    }

    @Test
    void cancel_stopsARunningTraining_andQueuedTrainingsStayPending() {
        // 60k rows: enough rounds left when the cancel lands, even on an idle host
        JsonNode big = train(ALICE, churn("big" + NAMES.incrementAndGet(), 6, false, null));
        long bigId = big.get("id").asLong();
        String runId = big.get("run_id").asString();
        JsonNode queued = train(ALICE, churn("queued" + NAMES.incrementAndGet(), 5, false, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> events(runId).stream()
                .anyMatch(e -> e.get("type").asString().equals("run.progress")));
        assertThat(item(ALICE, queued.get("id").asLong()).get("train_status").asString()).isEqualTo("pending");
        delete(ALICE, "/api/v1/train/delete/" + bigId, 409);

        JsonNode answer = post(ALICE, "/api/v1/ray/terminate_ray_job?ray_job_id=" + runId + "&usage=training", null, 200);
        assertThat(answer.get("status").asString()).isEqualTo("success");
        JsonNode item = awaitStatus(ALICE, bigId, "cancelled");
        assertThat(item.get("error").get("code").asString()).isEqualTo("cancelled");
        List<JsonNode> cancelledEvents = events(runId);
        long rounds = cancelledEvents.stream().filter(e -> e.get("type").asString().equals("run.progress")).count();
        assertThat(rounds).isLessThan(150);
        JsonNode finished = cancelledEvents.stream().filter(e -> e.get("type").asString().equals("run.finished"))
                .findFirst().orElseThrow();
        assertThat(finished.get("data").get("status").asString()).isEqualTo("cancelled");
        awaitStatus(ALICE, queued.get("id").asLong(), "completed");
        post(ALICE, "/api/v1/ray/terminate_ray_job?ray_job_id=" + runId + "&usage=training", null, 409);
    }

    @Test
    void pauseAndResume_fromTheControlTopic_holdTheTrainingAtARoundBoundary() throws Exception {
        JsonNode big = train(ALICE, churn("pause" + NAMES.incrementAndGet(), 6, false, null));
        long id = big.get("id").asLong();
        String runId = big.get("run_id").asString();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> count(runId, "run.progress") > 0);
        // a request for another attempt of the run is stale: the training goes on
        control(runId, EventTypes.RUN_PAUSE_REQUESTED, 2);
        long before = count(runId, "run.progress");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> count(runId, "run.progress") >= before + 5);
        assertThat(count(runId, "run.paused")).isZero();

        control(runId, EventTypes.RUN_PAUSE_REQUESTED, 1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> count(runId, "run.paused") == 1);
        assertThat(item(ALICE, id).get("train_status").asString()).isEqualTo("paused");
        delete(ALICE, "/api/v1/train/delete/" + id, 409);
        long atPause = count(runId, "run.progress");
        Thread.sleep(2000);
        assertThat(count(runId, "run.progress")).as("no boosting round while paused").isEqualTo(atPause);

        control(runId, EventTypes.RUN_RESUME_REQUESTED, 1);
        awaitStatus(ALICE, id, "completed");
        List<String> types = events(runId).stream().map(e -> e.get("type").asString()).toList();
        int paused = types.indexOf("run.paused");
        int resumed = types.indexOf("run.resumed");
        assertThat(paused).isPositive().isLessThan(resumed);
        assertThat(types.subList(paused, resumed)).doesNotContain("run.progress");
        assertThat(types.indexOf("run.finished")).isGreaterThan(resumed);
        assertThat(count(runId, "run.progress")).as("every round ran, once").isEqualTo(150);
    }

    @Test
    void retry_fromJobService_trainsTheNewAttemptOfTheSameRun() throws Exception {
        String name = "retry" + NAMES.incrementAndGet();
        Map<String, Object> request = request(name, 7, "Classification",
                List.of(Map.of("column_name", "CustomerID", "data_type", "String", "attribute_name", "Id"),
                        Map.of("column_name", "Churn", "data_type", "Boolean", "attribute_name", "Target")), false, null);
        JsonNode created = train(ALICE, request);
        long id = created.get("id").asLong();
        String runId = created.get("run_id").asString();
        assertThat(awaitStatus(ALICE, id, "failed").get("error").get("code").asString()).isEqualTo("one-class");

        DATASETS.put(TENANT, 7, Datasets.churnCsv(600, 7));  // the data was fixed; job-service retries the run
        publishRunCreated(runId, codec.mapper().valueToTree(request), 2);
        JsonNode item = awaitStatus(ALICE, id, "completed");
        assertThat(item.get("run_id").asString()).isEqualTo(runId);
        assertThat(item.get("model_version").asInt()).isEqualTo(1);
        assertThat(item.get("error").isNull()).isTrue();
        assertThat(startedAttempts(runId)).containsExactly(1, 2);
        JsonNode finished = events(runId).stream().filter(e -> e.get("type").asString().equals("run.finished"))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(finished.get("data").get("status").asString()).isEqualTo("completed");

        // the same attempt announced again changes nothing; a completed training is not trained again
        publishRunCreated(runId, codec.mapper().valueToTree(request), 2);
        publishRunCreated(runId, codec.mapper().valueToTree(request), 3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> count(runId, "run.finished") == 3);
        JsonNode refused = events(runId).stream().filter(e -> e.get("type").asString().equals("run.finished"))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(refused.get("data").get("status").asString()).isEqualTo("failed");
        assertThat(refused.get("data").get("error").get("code").asString()).isEqualTo("not-retryable");
        assertThat(startedAttempts(runId)).containsExactly(1, 2, 3);
        assertThat(item(ALICE, id).get("train_status").asString()).isEqualTo("completed");
    }

    @Test
    void anExternalEnginesResult_withItsModel_isCheckedStoredAndServed() throws Exception {
        // a trained model and its preprocess artifact, as an external engine would have them
        long source = train(ALICE, churn("src" + NAMES.incrementAndGet(), 5, false, null)).get("id").asLong();
        awaitStatus(ALICE, source, "completed");
        byte[] model = web.get().uri("/internal/v1/models/" + source + "/files/model.json?tenant=" + TENANT)
                .header("Authorization", SERVICE).exchange().expectStatus().isOk().expectBody(byte[].class)
                .returnResult().getResponseBody();
        JsonNode preprocess = get(SERVICE, "/internal/v1/models/" + source + "/files/preprocess.json?tenant=" + TENANT, 200);

        // the only worker is held by a paused training, so the next training stays pending for the engine
        JsonNode big = train(ALICE, churn("hold" + NAMES.incrementAndGet(), 6, false, null));
        String bigRun = big.get("run_id").asString();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> count(bigRun, "run.progress") > 0);
        control(bigRun, EventTypes.RUN_PAUSE_REQUESTED, 1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> count(bigRun, "run.paused") == 1);
        try {
            externalResultWhileTheWorkerIsHeld(model, preprocess);
        } finally {
            control(bigRun, EventTypes.RUN_RESUME_REQUESTED, 1);
        }
        awaitStatus(ALICE, big.get("id").asLong(), "completed");
    }

    void externalResultWhileTheWorkerIsHeld(byte[] model, JsonNode preprocess) {
        JsonNode external = train(ALICE, churn("ext" + NAMES.incrementAndGet(), 5, false, null));
        long id = external.get("id").asLong();
        String runId = external.get("run_id").asString();
        String token = get(SERVICE, "/internal/v1/runs/" + runId + "/callback?tenant=" + TENANT, 200).get("callback_token").asString();
        String encoded = java.util.Base64.getEncoder().encodeToString(model);

        callback(token, Map.of("train_id", id, "result", Map.of("model", encoded)), 400, "result.preprocess");
        callback(token, Map.of("train_id", id, "result", Map.of("model", "%%%", "preprocess", preprocess)), 400, "result.model");
        callback(token, Map.of("train_id", id, "result", Map.of("model", java.util.Base64.getEncoder()
                .encodeToString("not a model".getBytes()), "preprocess", preprocess)), 400, "result.model");
        var narrower = (tools.jackson.databind.node.ObjectNode) preprocess.deepCopy();
        ((tools.jackson.databind.node.ArrayNode) narrower.get("features")).remove(0);
        callback(token, Map.of("train_id", id, "result", Map.of("model", encoded, "preprocess", narrower)), 400, "result.model");
        var regression = (tools.jackson.databind.node.ObjectNode) preprocess.deepCopy();
        regression.put("problem_type", "Regression");
        callback(token, Map.of("train_id", id, "result", Map.of("model", encoded, "preprocess", regression)), 400,
                "result.preprocess");
        assertThat(item(ALICE, id).get("train_status").asString()).as("bad uploads change nothing").isEqualTo("pending");
        get(SERVICE, "/internal/v1/models/" + id + "?tenant=" + TENANT, 409);

        Map<String, Object> good = Map.of("train_id", id, "result", Map.of("model", encoded, "preprocess", preprocess,
                "metrics", Map.of("accuracy", 0.91)));
        assertThat(callback(token, good, 200, null).get("status").asString()).isEqualTo("accepted");
        assertThat(callback(token, good, 200, null).get("status").asString()).isEqualTo("already-applied");
        JsonNode item = item(ALICE, id);
        assertThat(item.get("train_status").asString()).isEqualTo("completed");
        assertThat(item.get("active_model_version").asInt()).isEqualTo(1);
        assertThat(item.get("accuracy").asDouble()).isEqualTo(0.91);
        JsonNode served = get(SERVICE, "/internal/v1/models/" + id + "?tenant=" + TENANT, 200);
        assertThat(served.get("preprocess_id").asLong()).isPositive();
        assertThat(served.get("booster").asString()).isEqualTo("gbtree");
        byte[] stored = web.get().uri("/internal/v1/models/" + id + "/files/model.json?tenant=" + TENANT)
                .header("Authorization", SERVICE).exchange().expectStatus().isOk().expectBody(byte[].class)
                .returnResult().getResponseBody();
        assertThat(JSON.readTree(stored).get("learner").get("gradient_booster").get("model").get("trees").size())
                .isEqualTo(JSON.readTree(model).get("learner").get("gradient_booster").get("model").get("trees").size());
        JsonNode finished = events(runId).stream().filter(e -> e.get("type").asString().equals("run.finished"))
                .findFirst().orElseThrow();
        assertThat(finished.get("data").get("status").asString()).isEqualTo("completed");
        assertThat(finished.get("data").get("result").get("model_version").asInt()).isEqualTo(1);
        assertThat(count(runId, "run.started")).isEqualTo(1);
    }

    JsonNode callback(String token, Object body, int status, String field) {
        JsonNode answer = web.post().uri("/api/v1/train/result").header("X-Callback-Token", token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        if (field != null) {
            assertThat(answer.get("errors").findValuesAsString("field")).as(answer.toString()).contains(field);
        }
        return answer;
    }

    void control(String runId, String type, int attempt) throws Exception {
        var event = codec.event("/runstream/job-service", type, runId, TENANT, new RunEvents.ControlRequested(runId,
                "training/tabular", "training-service", attempt, "alice", "test"));
        kafka.send(topics.runControl(), runId, codec.write(event)).get();
    }

    long count(String runId, String type) {
        return events(runId).stream().filter(e -> e.get("type").asString().equals(type)).count();
    }

    List<Integer> startedAttempts(String runId) {
        return events(runId).stream().filter(e -> e.get("type").asString().equals("run.started"))
                .map(e -> e.get("data").get("attempt").asInt()).toList();
    }

    @Test
    void generateFeatureImportance_runsAndCanBeDeleted() {
        long id = train(ALICE, churn("shap" + NAMES.incrementAndGet(), 5, false, null)).get("id").asLong();
        awaitStatus(ALICE, id, "completed");
        get(ALICE, "/api/v1/train/view-feature-importance?train_id=" + id, 404);
        JsonNode submitted = get(ALICE, "/api/v1/train/generate-feature-importance?train_id=" + id, 202);
        assertThat(submitted.get("shap_job_id").asString()).startsWith("run_");
        await().atMost(Duration.ofSeconds(60)).until(() -> web.get()
                .uri("/api/v1/train/view-feature-importance?train_id=" + id).header("Authorization", ALICE).exchange()
                .expectBody(JsonNode.class).returnResult().getResponseBody().path("status").asString().equals("completed"));
        delete(ALICE, "/api/v1/train/delete-feature-importance/" + id, 204);
        get(ALICE, "/api/v1/train/view-feature-importance?train_id=" + id, 404);
        delete(ALICE, "/api/v1/train/delete-feature-importance/" + id, 404);
    }

    @Test
    void delete_removesThePredictorAndItsModelFiles() {
        long id = train(ALICE, churn("del" + NAMES.incrementAndGet(), 5, false, null)).get("id").asLong();
        awaitStatus(ALICE, id, "completed");
        delete(EVE, "/api/v1/train/delete/" + id, 404);
        delete(ALICE, "/api/v1/train/delete/" + id, 204);
        get(ALICE, "/api/v1/train/model-summary?train_id=" + id, 404);
        get(SERVICE, "/internal/v1/models/" + id + "?tenant=" + TENANT, 404);
        delete(ALICE, "/api/v1/train/delete/" + id, 404);
    }

    @Test
    void callbacks_needTheRunsCallbackToken_andAreIdempotent() {
        long id = train(ALICE, churn("cb" + NAMES.incrementAndGet(), 5, false, null)).get("id").asLong();
        JsonNode item = awaitStatus(ALICE, id, "completed");
        String runId = item.get("run_id").asString();
        String token = get(SERVICE, "/internal/v1/runs/" + runId + "/callback?tenant=" + TENANT, 200)
                .get("callback_token").asString();
        Map<String, Object> shap = Map.of("training_id", id, "result", Map.of("Tenure", 0.7, "Plan", 0.3));
        web.post().uri("/api/v1/train/shap-result").contentType(MediaType.APPLICATION_JSON).bodyValue(shap)
                .exchange().expectStatus().isUnauthorized();
        web.post().uri("/api/v1/train/shap-result").header("X-Callback-Token", "nope").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(shap).exchange().expectStatus().isUnauthorized();
        web.post().uri("/api/v1/train/shap-result").header("X-Callback-Token", token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(shap).exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("accepted");
        web.post().uri("/api/v1/train/shap-result").header("X-Callback-Token", token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(shap).exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("already-applied");
        web.post().uri("/api/v1/train/shap-result").header("X-Callback-Token", token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("training_id", id, "result", Map.of("Tenure", "high"))).exchange().expectStatus().isBadRequest();
        assertThat(get(ALICE, "/api/v1/train/view-feature-importance?train_id=" + id, 200).get("feature_importance")
                .get("Tenure").asDouble()).isEqualTo(0.7);
        Map<String, Object> result = Map.of("train_id", id, "result", Map.of("metrics", Map.of("accuracy", 0.9)));
        web.post().uri("/api/v1/train/result").header("X-Callback-Token", token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(result).exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("already-applied");
    }

    @Test
    void aRunCreatedByJobService_isTrainedFromItsArgs_orFailsWithInvalidArgs() throws Exception {
        String runId = RunIds.newRunId();
        String name = "adopted" + NAMES.incrementAndGet();
        publishRunCreated(runId, codec.mapper().valueToTree(churn(name, 5, false, null)));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            for (JsonNode item : get(ALICE, "/api/v1/train/list", 200).get("data")) {
                if (item.get("predictor_name").asString().equals(name)) {
                    return item.get("run_id").asString().equals(runId) && item.get("train_status").asString().equals("completed");
                }
            }
            return false;
        });
        String bad = RunIds.newRunId();
        publishRunCreated(bad, codec.mapper().valueToTree(Map.of("dataset_id", 5)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> events(bad).stream()
                .anyMatch(e -> e.get("type").asString().equals("run.finished")));
        JsonNode finished = events(bad).stream().filter(e -> e.get("type").asString().equals("run.finished")).findFirst()
                .orElseThrow();
        assertThat(finished.get("data").get("status").asString()).isEqualTo("failed");
        assertThat(finished.get("data").get("error").get("code").asString()).isEqualTo("invalid-args");
    }

    void publishRunCreated(String runId, JsonNode args) throws Exception {
        publishRunCreated(runId, args, 1);
    }

    void publishRunCreated(String runId, JsonNode args, int attempt) throws Exception {
        var event = codec.event("/runstream/job-service", EventTypes.RUN_CREATED, runId, TENANT,
                new RunEvents.RunCreated(runId, "training/tabular", "training-service", "alice", null, args, 0, List.of(),
                        null, attempt, Instant.now()));
        kafka.send(topics.runEvents(), runId, codec.write(event)).get();
    }

    // ------------------------------------------------------------------ failures and bad input

    @Test
    void failedTrainings_carryAClearError() {
        long missing = train(ALICE, request("f" + NAMES.incrementAndGet(), 1, "Classification",
                List.of(col("Nope", "Target")), false, null)).get("id").asLong();
        assertThat(awaitStatus(ALICE, missing, "failed").get("error").get("code").asString()).isEqualTo("target-missing");
        long oneClass = train(ALICE, request("f" + NAMES.incrementAndGet(), 4, "Classification",
                List.of(col("y", "Target")), false, null)).get("id").asLong();
        JsonNode error = awaitStatus(ALICE, oneClass, "failed").get("error");
        assertThat(error.get("code").asString()).isEqualTo("one-class");
        assertThat(error.get("message").asString()).contains("only one class");
        long noDataset = train(ALICE, request("f" + NAMES.incrementAndGet(), 77, "Classification",
                List.of(col("y", "Target")), false, null)).get("id").asLong();
        assertThat(awaitStatus(ALICE, noDataset, "failed").get("error").get("code").asString()).isEqualTo("dataset-not-found");
        get(ALICE, "/api/v1/train/model-summary?train_id=" + noDataset, 409);
    }

    @Test
    void badInput_answersProblemsNamingTheField() {
        assertThat(post(ALICE, "/api/v1/train/", Map.of("predictor_name", "x"), 400).get("errors").toString())
                .contains("dataset_id", "domain", "problem_type", "columns");
        assertThat(post(ALICE, "/api/v1/train/", request("b1", 1, "Clustering", List.of(col("Churn", "Target")), false, null), 400)
                .get("errors").toString()).contains("problem_type");
        assertThat(post(ALICE, "/api/v1/train/", request("b2", 1, "Classification", List.of(col("Churn", "Target")), false, "svm"), 400)
                .get("errors").toString()).contains("algorithm");
        assertThat(post(ALICE, "/api/v1/train/", request("b3", 1, "Classification",
                List.of(col("Churn", "Target"), col("Tenure", "Target")), false, null), 400).get("errors").toString())
                .contains("exactly one column");
        assertThat(post(ALICE, "/api/v1/train/", request("b4", 1, "Classification",
                List.of(col("Churn", "Label")), false, null), 400).get("errors").toString()).contains("columns[0].attribute_name");
        assertThat(post(ALICE, "/api/v1/train/", request("b5", 1, "Forecast", List.of(col("Churn", "Target")), false, null), 400)
                .get("errors").toString()).contains("Timestamp");
        web.post().uri("/api/v1/train/").header("Authorization", ALICE).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"dataset_id\": \"one\"}").exchange().expectStatus().isBadRequest();
        web.post().uri("/api/v1/train/").header("Authorization", ALICE).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json").exchange().expectStatus().isBadRequest();
        post(ALICE, "/api/v1/train/", churnIncremental("never-trained" + NAMES.incrementAndGet(), 1), 409);
        get(ALICE, "/api/v1/train/model-summary", 400);
        get(ALICE, "/api/v1/train/model-summary?train_id=abc", 400);
        get(ALICE, "/api/v1/train/model-summary?train_id=987654", 404);
        get(ALICE, "/api/v1/train/view-feature-importance?train_id=987654", 404);
        get(ALICE, "/api/v1/train/generate-feature-importance?train_id=987654", 404);
        get(ALICE, "/api/v1/train/download-schema/987654", 404);
        post(ALICE, "/api/v1/train/update/", Map.of("train_id", 987654, "preprocess_id", 1), 404);
        post(ALICE, "/api/v1/train/update/", Map.of("train_id", -1), 400);
        post(ALICE, "/api/v1/ray/terminate_ray_job?ray_job_id=run_nope&usage=training", null, 404);
        assertThat(post(ALICE, "/api/v1/ray/terminate_ray_job?ray_job_id=run_nope", null, 400).get("errors").toString())
                .contains("usage");
        web.get().uri("/api/v1/train/list").exchange().expectStatus().isUnauthorized();
        post(VIEWER, "/api/v1/train/", churn("v" + NAMES.incrementAndGet(), 1, false, null), 403);
        get(VIEWER, "/api/v1/train/list", 200);
        post(ALICE, "/api/v1/train/get_details", Map.of("dataset_id", 1), 400);
        JsonNode details = post(ALICE, "/api/v1/train/get_details", Map.of("dataset_id", 1, "predictor_name", "p",
                "domain", "Churn", "problem_type", "Classification"), 200);
        assertThat(details.get("dataset_schema").size()).isEqualTo(6);
        assertThat(details.get("attributes").toString()).contains("Id", "Target", "Feature");
        post(ALICE, "/api/v1/train/get_details", Map.of("dataset_id", 555, "predictor_name", "p",
                "domain", "Churn", "problem_type", "Classification"), 404);
    }

    @Test
    void anotherTenantsPredictor_answers404Everywhere() {
        long id = train(ALICE, churn("private" + NAMES.incrementAndGet(), 5, false, null)).get("id").asLong();
        awaitStatus(ALICE, id, "completed");
        get(EVE, "/api/v1/train/model-summary?train_id=" + id, 404);
        get(EVE, "/api/v1/train/view-feature-importance?train_id=" + id, 404);
        get(EVE, "/api/v1/train/generate-feature-importance?train_id=" + id, 404);
        get(EVE, "/api/v1/train/download-schema/" + id, 404);
        post(EVE, "/api/v1/train/update/", Map.of("train_id", id, "preprocess_id", 1), 404);
        delete(EVE, "/api/v1/train/delete-feature-importance/" + id, 404);
        assertThat(get(EVE, "/api/v1/train/list", 200).get("total").asInt()).isZero();
        String runId = item(ALICE, id).get("run_id").asString();
        post(EVE, "/api/v1/ray/terminate_ray_job?ray_job_id=" + runId + "&usage=training", null, 404);
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, Object> col(String name, String attribute) {
        return Map.of("column_name", name, "data_type", "String", "attribute_name", attribute);
    }

    static Map<String, Object> request(String name, long dataset, String type, List<Map<String, Object>> columns,
                                       boolean incremental, String algorithm) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("dataset_id", dataset, "predictor_name", name,
                "domain", "Test", "problem_type", type, "columns", columns, "is_incremental", incremental));
        if (algorithm != null) {
            body.put("algorithm", algorithm);
        }
        return body;
    }

    static Map<String, Object> churn(String name, long dataset, boolean shap, String algorithm) {
        Map<String, Object> body = request(name, dataset, "Classification",
                List.of(Map.of("column_name", "CustomerID", "data_type", "String", "attribute_name", "Id"),
                        Map.of("column_name", "Churn", "data_type", "Boolean", "attribute_name", "Target")), false, algorithm);
        body.put("shap_enabled", shap);
        return body;
    }

    static Map<String, Object> churnIncremental(String name, long dataset) {
        Map<String, Object> body = churn(name, dataset, false, null);
        body.put("is_incremental", true);
        return body;
    }

    JsonNode train(String token, Map<String, Object> body) {
        return post(token, "/api/v1/train/", body, 201);
    }

    JsonNode post(String token, String uri, Object body, int status) {
        var spec = web.post().uri(uri).header("Authorization", token);
        var exchange = body == null ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
        return exchange.expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    JsonNode get(String token, String uri, int status) {
        return web.get().uri(uri).header("Authorization", token).exchange().expectStatus().isEqualTo(status)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    void delete(String token, String uri, int status) {
        web.delete().uri(uri).header("Authorization", token).exchange().expectStatus().isEqualTo(status);
    }

    JsonNode item(String token, long id) {
        for (JsonNode item : get(token, "/api/v1/train/list", 200).get("data")) {
            if (item.get("id").asLong() == id) {
                return item;
            }
        }
        throw new AssertionError("predictor " + id + " is not listed");
    }

    JsonNode awaitStatus(String token, long id, String status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> item(token, id).get("train_status").asString().equals(status));
        return item(token, id);
    }

    void awaitVersion(String token, long id, int version) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode item = item(token, id);
            return item.get("train_status").asString().equals("completed") && item.get("model_version").asInt() == version;
        });
    }

    /** The run's events in the order the outbox publishes them. */
    List<JsonNode> events(String runId) {
        List<String> payloads = db.sql("select payload from event_outbox where message_key = :key order by id")
                .bind("key", runId).map(row -> row.get("payload", String.class)).all().collectList().block();
        List<JsonNode> events = new ArrayList<>();
        payloads.forEach(p -> events.add(JSON.readTree(p)));
        return events;
    }
}
