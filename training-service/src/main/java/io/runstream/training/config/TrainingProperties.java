package io.runstream.training.config;

import io.runstream.training.engine.EngineOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * training-service settings ({@code runstream.training.*}).
 *
 * @param workers             trainings that run at once; more wait as pending runs
 * @param datasetServiceUrl   where dataset-service's internal endpoints live
 * @param jobServiceUrl       where job-service's run API lives (for /train/refresh)
 * @param rounds              boosting rounds per booster
 * @param threads             XGBoost threads per training
 * @param splitSeed           default seed of the train/validation split (recorded per training)
 * @param heartbeatInterval   how often a running training renews its lease
 * @param leaseSeconds        lease announced to job-service
 * @param preprocessThreads   threads reading the CSV and fitting the preprocessing of one training, its
 *                            worker included; 0: one per core, at most 4, from 3 cores on, else 1 (helpers
 *                            are shared by all workers)
 */
@ConfigurationProperties("runstream.training")
public record TrainingProperties(
        @DefaultValue("1") int workers,
        @DefaultValue("http://localhost:8083") URI datasetServiceUrl,
        @DefaultValue("http://localhost:8082") URI jobServiceUrl,
        @DefaultValue("100") int rounds,
        @DefaultValue("1") int threads,
        @DefaultValue("0.2") double validationFraction,
        @DefaultValue("20") int minRows,
        @DefaultValue("50") int maxCategories,
        @DefaultValue("20") int earlyStoppingRounds,
        @DefaultValue("1000") int shapSampleRows,
        @DefaultValue("0.1") double learningRate,
        @DefaultValue("6") int maxDepth,
        @DefaultValue("42") long splitSeed,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("60") int leaseSeconds,
        @DefaultValue("0") int preprocessThreads) {

    public EngineOptions engineOptions() {
        return new EngineOptions(rounds, threads, validationFraction, minRows, maxCategories, earlyStoppingRounds,
                shapSampleRows, learningRate, maxDepth,
                preprocessThreads > 0 ? preprocessThreads : EngineOptions.autoPreprocessThreads());
    }
}
