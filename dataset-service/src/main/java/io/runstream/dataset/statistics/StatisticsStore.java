package io.runstream.dataset.statistics;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.time.OffsetDateTime;
import java.util.List;

/** The dataset_statistics table, scoped by tenant in every statement. */
@Component
class StatisticsStore {

    private final DatabaseClient db;
    private final JsonMapper json;
    /** Built at start-up, so that no event loop waits on Jackson's deserializer cache lock. */
    private final ObjectReader resultReader;

    StatisticsStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
        this.resultReader = json.readerFor(Result.class);
    }

    Mono<Void> insert(String tenant, long datasetId, String runId) {
        return db.sql("""
                        insert into dataset_statistics (tenant_id, dataset_id, run_id, status) values (:tenant, :dataset, :run, 'pending')
                        on conflict (run_id) do nothing""")
                .bind("tenant", tenant).bind("dataset", datasetId).bind("run", runId).then();
    }

    Mono<Void> running(String tenant, String runId) {
        return db.sql("update dataset_statistics set status = 'running' where run_id = :run and tenant_id = :tenant")
                .bind("run", runId).bind("tenant", tenant).then();
    }

    Mono<Void> completed(String tenant, String runId, long totalRows, List<DatasetStatistics.Column> columns) {
        return db.sql("""
                        update dataset_statistics set status = 'completed', result = :result, finished_at = now()
                        where run_id = :run and tenant_id = :tenant""")
                .bind("result", Json.of(json.writeValueAsString(new Result(totalRows, columns))))
                .bind("run", runId).bind("tenant", tenant).then();
    }

    Mono<Void> failed(String tenant, String runId, String error) {
        return db.sql("""
                        update dataset_statistics set status = 'failed', error = :error, finished_at = now()
                        where run_id = :run and tenant_id = :tenant""")
                .bind("error", String.valueOf(error)).bind("run", runId).bind("tenant", tenant).then();
    }

    Mono<DatasetStatistics> latest(String tenant, long datasetId) {
        return db.sql("""
                        select * from dataset_statistics where dataset_id = :dataset and tenant_id = :tenant
                        order by id desc limit 1""")
                .bind("dataset", datasetId).bind("tenant", tenant)
                .map((Readable row) -> {
                    Json result = row.get("result", Json.class);
                    Result parsed = result == null ? null : resultReader.<Result>readValue(result.asString());
                    OffsetDateTime finished = row.get("finished_at", OffsetDateTime.class);
                    return new DatasetStatistics(datasetId, row.get("run_id", String.class), row.get("status", String.class),
                            row.get("created_at", OffsetDateTime.class).toInstant(),
                            finished == null ? null : finished.toInstant(),
                            parsed == null ? null : parsed.totalRows(), parsed == null ? null : parsed.columns(),
                            row.get("error", String.class));
                })
                .one();
    }

    record Result(long totalRows, List<DatasetStatistics.Column> columns) {
    }
}
