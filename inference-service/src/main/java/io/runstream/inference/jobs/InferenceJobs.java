package io.runstream.inference.jobs;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.platform.run.BuiltInJob;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** inference/batch, the built-in job this service executes; platform announces it as {@code job.registered} at start. */
@Configuration(proxyBeanMethods = false)
class InferenceJobs {

    private static final String BATCH_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["train_id", "dataset_id"],
             "properties": {"train_id": {"type": "integer", "minimum": 1}, "dataset_id": {"type": "integer", "minimum": 1},
                            "prediction_id": {"type": "integer"}}}""";

    @Bean
    BuiltInJob inferenceBatchJob(InferenceProperties properties) {
        return new BuiltInJob("inference/batch", "1", "Predict every row of a dataset with a trained "
                + "model and add the predictions to the dataset as a CSV file", BATCH_SCHEMA, 1, properties.leaseSeconds());
    }
}
