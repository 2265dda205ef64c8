package io.runstream.training.jobs;

import io.runstream.platform.run.BuiltInJob;
import io.runstream.training.config.TrainingProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The built-in jobs this service executes; platform announces them as {@code job.registered} at start. */
@Configuration(proxyBeanMethods = false)
class TrainingJobs {

    private static final String TRAIN_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["dataset_id", "predictor_name", "domain", "problem_type", "columns"],
             "properties": {
               "dataset_id": {"type": "integer", "minimum": 1},
               "predictor_name": {"type": "string", "minLength": 1, "maxLength": 200},
               "domain": {"type": "string", "minLength": 1},
               "problem_type": {"enum": ["Classification", "Regression", "Forecast"]},
               "columns": {"type": "array", "minItems": 1, "items": {"type": "object",
                 "required": ["column_name", "attribute_name"],
                 "properties": {"column_name": {"type": "string"}, "data_type": {"type": "string"},
                                "attribute_name": {"enum": ["Id", "Target", "Feature", "Timestamp"]}}}},
               "is_incremental": {"type": "boolean"},
               "algorithm": {"enum": ["gbtree", "gblinear", "auto"]},
               "shap_enabled": {"type": "boolean"}}}""";

    private static final String IMPORTANCE_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["train_id"],
             "properties": {"train_id": {"type": "integer", "minimum": 1}, "model_version": {"type": "integer"}}}""";

    @Bean
    BuiltInJob trainingTabularJob(TrainingProperties properties) {
        return new BuiltInJob("training/tabular", "1", "Train an XGBoost predictor on a dataset "
                + "(classification, regression or forecast) with live per-round progress", TRAIN_SCHEMA, 1,
                properties.leaseSeconds());
    }

    @Bean
    BuiltInJob trainingFeatureImportanceJob(TrainingProperties properties) {
        return new BuiltInJob("training/feature-importance", "1", "Mean |SHAP| feature importance of a predictor's model",
                IMPORTANCE_SCHEMA, 1, properties.leaseSeconds());
    }
}
