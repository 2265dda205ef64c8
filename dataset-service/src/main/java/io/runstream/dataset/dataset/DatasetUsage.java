package io.runstream.dataset.dataset;

import io.runstream.dataset.DatasetProperties;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Which datasets unfinished runs of other services (training, batch inference) are reading — runs
 * whose args carry {@code dataset_id}. Recorded from run.created, released by run.finished (both
 * idempotent, so redelivery is harmless); a record older than {@code runs.usage-ttl-hours} no longer
 * counts, so a run whose end was never announced cannot pin a dataset forever.
 */
@Component
class DatasetUsage {

    private static final Logger log = LoggerFactory.getLogger(DatasetUsage.class);

    private final DatabaseClient db;
    private final DatasetProperties properties;

    DatasetUsage(DatabaseClient db, DatasetProperties properties) {
        this.db = db;
        this.properties = properties;
    }

    /** Its own consumer group: every run event must reach it, alongside the run executor's group. */
    @KafkaListener(id = "dataset-usage-tracker", topics = "#{@topics.runEvents()}",
            groupId = "${spring.kafka.consumer.group-id}-usage")
    void on(EventEnvelope event) {
        record(event).subscribe(null, error -> log.warn("dataset usage of run {} not recorded", event.subject(), error));
    }

    Mono<Void> record(EventEnvelope event) {
        JsonNode data = event.data();
        if (data == null || event.tenant() == null) {
            return Mono.empty();
        }
        if (EventTypes.RUN_CREATED.equals(event.type())) {
            String jobId = data.path("job_id").asString("");
            JsonNode dataset = data.path("args").path("dataset_id");
            if (jobId.startsWith("dataset/") || !dataset.canConvertToLong()) {
                return Mono.empty();
            }
            return db.sql("""
                            insert into dataset_use (run_id, tenant_id, dataset_id, job_id) values (:run, :tenant, :dataset, :job)
                            on conflict (run_id) do nothing""")
                    .bind("run", data.path("run_id").asString(event.subject())).bind("tenant", event.tenant())
                    .bind("dataset", dataset.asLong()).bind("job", jobId)
                    .then();
        }
        if (EventTypes.RUN_FINISHED.equals(event.type())) {
            return db.sql("delete from dataset_use where run_id = :run")
                    .bind("run", data.path("run_id").asString(event.subject())).then();
        }
        return Mono.empty();
    }

    /** The unfinished runs reading the dataset. */
    Mono<List<String>> runsUsing(String tenant, long datasetId) {
        return db.sql("""
                        select run_id from dataset_use where tenant_id = :tenant and dataset_id = :dataset
                        and created_at > now() - make_interval(hours => :ttl) order by run_id""")
                .bind("tenant", tenant).bind("dataset", datasetId).bind("ttl", properties.runs().usageTtlHours())
                .map(row -> row.get("run_id", String.class)).all().collectList();
    }
}
