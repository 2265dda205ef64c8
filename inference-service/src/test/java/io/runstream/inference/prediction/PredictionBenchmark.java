package io.runstream.inference.prediction;

import io.runstream.platform.test.RealInfrastructure;
import io.runstream.platform.test.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Map;

/**
 * bench/inference/run.sh: real-time latency (client-side, in-process HTTP over loopback, including
 * the prediction-log insert) and batch throughput. Not part of the suite (name does not end in
 * Test); runs with -Dtest=PredictionBenchmark -Dbench.inference=true.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "runstream.inference.batch-chunk-rows=1000")
@RealInfrastructure
@AutoConfigureWebTestClient(timeout = "600s")
class PredictionBenchmark {

    static final FakeUpstreams UPSTREAMS = new FakeUpstreams();
    static final String TOKEN = TestTokens.bearer(TestTokens.user("bench").tenant("acme").roles("data_scientist")
            .permissions("can_predict", "models:read").sign());
    static final int BATCH_ROWS = Integer.getInteger("bench.batch-rows", 100_000);

    static {
        try {
            UPSTREAMS.bundles.put("acme/19", TestModels.churnBundle(19, 1, 7, 200));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        UPSTREAMS.datasets.put("acme/44", TestModels.churnCsv(BATCH_ROWS, 3, true));
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

    @Test
    void latencyAndThroughput() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bench.inference"), "bench.inference not set");
        Map<String, Object> body = Map.of("train_id", 19, "preprocess_id", 7, "target", "Churn",
                "features", Map.of("Tenure", 5, "MonthlyCharges", 80.5, "Plan", "plus"));
        int warmup = 300;
        int measured = Integer.getInteger("bench.requests", 2000);
        double[] latencies = new double[measured];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = 0;
        for (int i = 0; i < warmup + measured; i++) {
            if (i == warmup) {
                cpuStart = os.getProcessCpuTime();
            }
            long start = System.nanoTime();
            web.post().uri("/api/v1/inference/").header("Authorization", TOKEN).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).exchange().expectStatus().isOk().expectBody(byte[].class).returnResult();
            if (i >= warmup) {
                latencies[i - warmup] = (System.nanoTime() - start) / 1e6;
            }
        }
        double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6 / measured;
        Arrays.sort(latencies);
        System.out.printf("inference-realtime: %d requests, p50 %.2f ms, p99 %.2f ms (client side, in-process, "
                + "prediction logged)%n", measured, latencies[measured / 2], latencies[(int) (measured * 0.99)]);
        System.out.printf("inference-realtime-cpu: %.3f ms of CPU per request (client, server and log writer together)%n",
                cpuMs);
        // the newest `measured` log rows (the measured requests), read in pages of at most 1000
        double[] inService = new double[measured];
        int read = 0;
        String cursor = null;
        WebTestClient pages = web.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
        while (read < measured) {
            JsonNode page = pages.get().uri("/api/v1/inference/predictions?train_id=19&prediction_type=realtime&limit="
                            + Math.min(1000, measured - read) + (cursor == null ? "" : "&cursor=" + cursor))
                    .header("Authorization", TOKEN).exchange().expectStatus().isOk().expectBody(JsonNode.class)
                    .returnResult().getResponseBody();
            for (JsonNode item : page.get("data")) {
                inService[read++] = item.get("latency_ms").asDouble();
            }
            if (!page.hasNonNull("next_cursor")) {
                break;
            }
            cursor = page.get("next_cursor").asString();
        }
        inService = Arrays.copyOf(inService, read);
        Arrays.sort(inService);
        System.out.printf("inference-realtime-in-service: p50 %.3f ms, p99 %.3f ms (model lookup, checks, encode, "
                + "XGBoost; as logged)%n", inService[inService.length / 2], inService[(int) (inService.length * 0.99)]);

        long start = System.nanoTime();
        JsonNode submitted = web.post().uri("/api/v1/inference/batchPrediction").header("Authorization", TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("train_id", 19, "dataset_id", 44))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
        long id = submitted.get("prediction_id").asLong();
        String status;
        do {
            Thread.sleep(100);
            status = web.get().uri("/api/v1/inference/result?prediction_id=" + id).header("Authorization", TOKEN)
                    .exchange().expectBody(JsonNode.class).returnResult().getResponseBody().get("status").asString();
        } while (!status.equals("completed") && !status.equals("failed"));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("inference-batch: %d rows %s in %.2f s, %.0f rows/s (download, predict, CSV out, upload)%n",
                BATCH_ROWS, status, seconds, BATCH_ROWS / seconds);
    }
}
