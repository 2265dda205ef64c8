package io.runstream.inference.jobs;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.run.RunReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Announces inference/batch, the built-in job this service executes. */
@Component
class JobRegistrations {

    private static final Logger log = LoggerFactory.getLogger(JobRegistrations.class);

    private static final String BATCH_SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["train_id", "dataset_id"],
             "properties": {"train_id": {"type": "integer", "minimum": 1}, "dataset_id": {"type": "integer", "minimum": 1},
                            "prediction_id": {"type": "integer"}}}""";

    private final EventOutbox outbox;
    private final Topics topics;
    private final EventCodec codec;
    private final RunReporter reporter;
    private final TransactionalOperator tx;
    private final InferenceProperties properties;

    JobRegistrations(EventOutbox outbox, Topics topics, EventCodec codec, RunReporter reporter, TransactionalOperator tx,
                     InferenceProperties properties) {
        this.outbox = outbox;
        this.topics = topics;
        this.codec = codec;
        this.reporter = reporter;
        this.tx = tx;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        var job = new RunEvents.JobRegistered("inference/batch", "1", "Predict every row of a dataset with a trained "
                + "model and add the predictions to the dataset as a CSV file", codec.mapper().readTree(BATCH_SCHEMA),
                "inference-service", "inference-service", 1, properties.leaseSeconds(), null);
        tx.transactional(outbox.append(topics.jobDefinitions(),
                        codec.event(reporter.source(), EventTypes.JOB_REGISTERED, job.jobId(), "system", job)))
                .subscribe(done -> { }, e -> log.warn("could not register inference/batch: {}", e.toString()),
                        () -> log.info("registered built-in job inference/batch"));
    }
}
