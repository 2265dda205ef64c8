package io.runstream.training.jobs;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.run.RunReporter;
import io.runstream.training.config.TrainingProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/** Announces the built-in jobs this service executes (job-service upserts them by job id). */
@Component
class JobRegistrations {

    private static final Logger log = LoggerFactory.getLogger(JobRegistrations.class);
    private static final String EXECUTOR = "training-service";

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

    private final EventOutbox outbox;
    private final Topics topics;
    private final EventCodec codec;
    private final RunReporter reporter;
    private final TransactionalOperator tx;
    private final TrainingProperties properties;

    JobRegistrations(EventOutbox outbox, Topics topics, EventCodec codec, RunReporter reporter, TransactionalOperator tx,
                     TrainingProperties properties) {
        this.outbox = outbox;
        this.topics = topics;
        this.codec = codec;
        this.reporter = reporter;
        this.tx = tx;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        var jobs = Flux.just(
                new RunEvents.JobRegistered("training/tabular", "1", "Train an XGBoost predictor on a dataset "
                        + "(classification, regression or forecast) with live per-round progress",
                        codec.mapper().readTree(TRAIN_SCHEMA), EXECUTOR, EXECUTOR, 1, properties.leaseSeconds(), null),
                new RunEvents.JobRegistered("training/feature-importance", "1", "Mean |SHAP| feature importance of a "
                        + "predictor's model", codec.mapper().readTree(IMPORTANCE_SCHEMA), EXECUTOR, EXECUTOR, 1,
                        properties.leaseSeconds(), null));
        tx.transactional(jobs.concatMap(job -> outbox.append(topics.jobDefinitions(),
                        codec.event(reporter.source(), EventTypes.JOB_REGISTERED, job.jobId(), "system", job))).then())
                .subscribe(done -> { }, e -> log.warn("could not register built-in jobs: {}", e.toString()),
                        () -> log.info("registered built-in jobs training/tabular, training/feature-importance"));
    }
}
