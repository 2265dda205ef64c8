package io.runstream.inference.model;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Learns of finished trainings from run events and drops the stale model; every replica sees every event. */
@Component
class ModelEventsListener {

    private static final Logger log = LoggerFactory.getLogger(ModelEventsListener.class);

    private final EventCodec codec;
    private final ModelCatalog catalog;

    ModelEventsListener(EventCodec codec, ModelCatalog catalog) {
        this.codec = codec;
        this.catalog = catalog;
    }

    @KafkaListener(id = "inference-model-events", topics = "#{@topics.runEvents()}",
            groupId = "inference-models-#{T(java.util.UUID).randomUUID()}",
            properties = "auto.offset.reset=latest")
    void on(EventEnvelope event) {
        if (!EventTypes.RUN_FINISHED.equals(event.type()) || event.tenant() == null) {
            return;
        }
        RunEvents.RunFinished finished = codec.data(event, RunEvents.RunFinished.class);
        JsonNode result = finished.result();
        if (result == null || !"training/tabular".equals(result.path("job_id").asString(null))
                || !result.path("train_id").isNumber()) {
            return;
        }
        log.info("training {} finished ({}): dropping its cached model", result.path("train_id").asLong(), finished.status());
        catalog.evict(event.tenant(), result.path("train_id").asLong());
    }
}
