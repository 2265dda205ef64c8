package io.runstream.inference.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * inference-service settings ({@code runstream.inference.*}).
 *
 * @param trainingServiceUrl    where training-service's internal model endpoints live
 * @param datasetServiceUrl     where dataset-service's internal endpoints live
 * @param cacheSize             models kept loaded (least recently used ones are dropped)
 * @param cacheRevalidateAfter  a cached model checks its version at training-service after this long
 * @param batchWorkers          batch predictions that run at once; more wait as pending runs
 * @param batchChunkRows        rows predicted per XGBoost call in a batch
 * @param maxForecastSteps      the longest forecast a request may ask for
 * @param maxListLimit          the largest {@code limit} of {@code GET /predictions} (default page: 100)
 * @param predictionLog         the asynchronous prediction-log writer
 */
@ConfigurationProperties("runstream.inference")
public record InferenceProperties(
        @DefaultValue("http://localhost:8084") URI trainingServiceUrl,
        @DefaultValue("http://localhost:8083") URI datasetServiceUrl,
        @DefaultValue("32") int cacheSize,
        @DefaultValue("60s") Duration cacheRevalidateAfter,
        @DefaultValue("1") int batchWorkers,
        @DefaultValue("1000") int batchChunkRows,
        @DefaultValue("365") int maxForecastSteps,
        @DefaultValue("60") int leaseSeconds,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("1000") int maxListLimit,
        @DefaultValue("30s") Duration upstreamTimeout,
        @DefaultValue PredictionLog predictionLog) {

    /**
     * @param capacity        entries held in memory before new predictions wait for room (back-pressure)
     * @param batchSize       most entries per insert statement
     * @param maxDelay        longest an entry waits for its batch to start being written
     * @param idBlock         prediction ids reserved from the database sequence at a time
     * @param shutdownTimeout how long a graceful shutdown waits for the queue to be written
     */
    public record PredictionLog(
            @DefaultValue("10000") int capacity,
            @DefaultValue("500") int batchSize,
            @DefaultValue("10ms") Duration maxDelay,
            @DefaultValue("1000") int idBlock,
            @DefaultValue("30s") Duration shutdownTimeout) {
    }
}
