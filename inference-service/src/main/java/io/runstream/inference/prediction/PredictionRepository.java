package io.runstream.inference.prediction;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The prediction log; every query is tenant-scoped. */
@Repository
class PredictionRepository {

    record Row(long id, String tenantId, long trainId, Integer modelVersion, Long preprocessId, String predictorName,
               String problemType, String domain, String predictionType, String status, String input, String output,
               Double latencyMs, String workloadId, String clientId, Long datasetId, Long noOfRecords, Double accuracy,
               String runId, String fileId, String resultPath, String errorMessage, Instant createdAt) {
    }

    record NewPrediction(String tenant, long trainId, Integer modelVersion, Long preprocessId, String predictorName,
                         String problemType, String domain, String type, String status, String input, String output,
                         Double latencyMs, String workloadId, String clientId, Long datasetId, String runId,
                         String createdBy) {
    }

    private static final String COLUMNS = """
            id, tenant_id, train_id, model_version, preprocess_id, predictor_name, problem_type, domain, prediction_type,
            status, input::text as input, output::text as output, latency_ms, workload_id, client_id, dataset_id,
            no_of_records, accuracy, run_id, file_id, result_path, error_message, created_at""";

    private final DatabaseClient db;

    PredictionRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Long> insert(NewPrediction p) {
        return db.sql("""
                        insert into prediction (tenant_id, train_id, model_version, preprocess_id, predictor_name,
                            problem_type, domain, prediction_type, status, input, output, latency_ms, workload_id,
                            client_id, dataset_id, run_id, created_by, finished_at)
                        values (:tenant, :train, :version, :pre, :name, :type, :domain, :ptype, :status, :input, :output,
                            :latency, :workload, :client, :dataset, :run, :by,
                            case when :status = 'completed' then now() end)
                        returning id""")
                .bind("tenant", p.tenant()).bind("train", p.trainId())
                .bind("version", Parameter.fromOrEmpty(p.modelVersion(), Integer.class))
                .bind("pre", Parameter.fromOrEmpty(p.preprocessId(), Long.class))
                .bind("name", Parameter.fromOrEmpty(p.predictorName(), String.class))
                .bind("type", Parameter.fromOrEmpty(p.problemType(), String.class))
                .bind("domain", Parameter.fromOrEmpty(p.domain(), String.class))
                .bind("ptype", p.type()).bind("status", p.status())
                .bind("input", Parameter.fromOrEmpty(p.input() == null ? null : Json.of(p.input()), Json.class))
                .bind("output", Parameter.fromOrEmpty(p.output() == null ? null : Json.of(p.output()), Json.class))
                .bind("latency", Parameter.fromOrEmpty(p.latencyMs(), Double.class))
                .bind("workload", Parameter.fromOrEmpty(p.workloadId(), String.class))
                .bind("client", Parameter.fromOrEmpty(p.clientId(), String.class))
                .bind("dataset", Parameter.fromOrEmpty(p.datasetId(), Long.class))
                .bind("run", Parameter.fromOrEmpty(p.runId(), String.class))
                .bind("by", Parameter.fromOrEmpty(p.createdBy(), String.class))
                .map(row -> row.get("id", Long.class)).one();
    }

    /** A prediction with its id reserved in advance and the time it was made, as the log writer stores it. */
    record LogEntry(long id, Instant at, NewPrediction p) {
    }

    /** Reserves {@code n} ids of the prediction sequence (unique across replicas, not necessarily contiguous). */
    Flux<Long> reserveIds(int n) {
        return db.sql("select nextval('prediction_id_seq') as id from generate_series(1, :n)")
                .bind("n", n).map(row -> row.get("id", Long.class)).all();
    }

    /**
     * Inserts completed predictions in one statement (arrays unnested). Idempotent: an entry whose id
     * is already stored is skipped, so a batch whose acknowledgement was lost can be written again.
     */
    Mono<Long> insertAll(List<LogEntry> entries) {
        int n = entries.size();
        Long[] ids = new Long[n];
        String[] tenants = new String[n];
        Long[] trains = new Long[n];
        Integer[] versions = new Integer[n];
        Long[] pres = new Long[n];
        String[] names = new String[n];
        String[] problems = new String[n];
        String[] domains = new String[n];
        String[] types = new String[n];
        String[] inputs = new String[n];
        String[] outputs = new String[n];
        Double[] latencies = new Double[n];
        String[] workloads = new String[n];
        String[] clients = new String[n];
        Long[] datasets = new Long[n];
        String[] creators = new String[n];
        String[] times = new String[n];
        for (int i = 0; i < n; i++) {
            LogEntry e = entries.get(i);
            NewPrediction p = e.p();
            ids[i] = e.id();
            tenants[i] = p.tenant();
            trains[i] = p.trainId();
            versions[i] = p.modelVersion();
            pres[i] = p.preprocessId();
            names[i] = p.predictorName();
            problems[i] = p.problemType();
            domains[i] = p.domain();
            types[i] = p.type();
            inputs[i] = p.input();
            outputs[i] = p.output();
            latencies[i] = p.latencyMs();
            workloads[i] = p.workloadId();
            clients[i] = p.clientId();
            datasets[i] = p.datasetId();
            creators[i] = p.createdBy();
            times[i] = e.at().toString();
        }
        return db.sql("""
                        insert into prediction (id, tenant_id, train_id, model_version, preprocess_id, predictor_name,
                            problem_type, domain, prediction_type, status, input, output, latency_ms, workload_id,
                            client_id, dataset_id, created_by, created_at, finished_at)
                        select id, tenant, train, version, pre, name, problem, domain, ptype, 'completed', input::jsonb,
                            output::jsonb, latency, workload, client, dataset, creator, at::timestamptz, at::timestamptz
                        from unnest(cast(:ids as bigint[]), cast(:tenants as text[]), cast(:trains as bigint[]),
                            cast(:versions as int[]), cast(:pres as bigint[]), cast(:names as text[]),
                            cast(:problems as text[]), cast(:domains as text[]), cast(:types as text[]),
                            cast(:inputs as text[]), cast(:outputs as text[]), cast(:latencies as float8[]),
                            cast(:workloads as text[]), cast(:clients as text[]), cast(:datasets as bigint[]),
                            cast(:creators as text[]), cast(:times as text[]))
                            as t(id, tenant, train, version, pre, name, problem, domain, ptype, input, output, latency,
                                 workload, client, dataset, creator, at)
                        on conflict (id) do nothing""")
                .bind("ids", ids).bind("tenants", tenants).bind("trains", trains).bind("versions", versions)
                .bind("pres", pres).bind("names", names).bind("problems", problems).bind("domains", domains)
                .bind("types", types).bind("inputs", inputs).bind("outputs", outputs).bind("latencies", latencies)
                .bind("workloads", workloads).bind("clients", clients).bind("datasets", datasets)
                .bind("creators", creators).bind("times", times)
                .fetch().rowsUpdated();
    }

    Mono<Row> find(String tenant, long id) {
        return db.sql("select " + COLUMNS + " from prediction where tenant_id = :tenant and id = :id")
                .bind("tenant", tenant).bind("id", id).map(PredictionRepository::row).one();
    }

    Mono<Row> findByRun(String runId) {
        return db.sql("select " + COLUMNS + " from prediction where run_id = :run")
                .bind("run", runId).map(PredictionRepository::row).one();
    }

    Flux<Row> pending(String type) {
        return db.sql("select " + COLUMNS + " from prediction where status = 'pending' and prediction_type = :type order by id")
                .bind("type", type).map(PredictionRepository::row).all();
    }

    /**
     * One page, newest first; {@code limit + 1} rows are read so the caller knows whether more follow. The page's
     * ids come first from an index alone ({@code prediction_tenant_train_newest}, or for batch and forecast rows
     * the partial index: the literal {@code <> 'realtime'} lets the planner pick it), then only their rows are
     * read. Asked in one query, PostgreSQL's generic plan walked the primary key backwards instead, reading the
     * tenant's whole log to find a small model's rows.
     */
    Flux<Row> page(String tenant, PredictionQuery query) {
        Where where = where(tenant, query, true);
        var spec = db.sql("select " + COLUMNS + " from prediction where tenant_id = :tenant and id = any(array("
                        + "select id from prediction where " + where.sql() + " order by id desc limit :limit offset :offset"
                        + ")) order by id desc")
                .bind("limit", query.limit() + 1).bind("offset", query.offset());
        for (var bind : where.binds().entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map(PredictionRepository::row).all();
    }

    /** The rows matching the filters, whatever the page (the cursor is ignored, as in job-service's runs). */
    Mono<Long> count(String tenant, PredictionQuery query) {
        Where where = where(tenant, query, false);
        var spec = db.sql("select count(*) as total from prediction where " + where.sql());
        for (var bind : where.binds().entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map(row -> row.get("total", Long.class)).one();
    }

    private record Where(String sql, Map<String, Object> binds) {
    }

    /** Only the given filters become clauses, so every query has a plan of its own shape (no "or :x is null"). */
    private static Where where(String tenant, PredictionQuery q, boolean withCursor) {
        StringBuilder sql = new StringBuilder("tenant_id = :tenant and train_id = :train");
        Map<String, Object> binds = new LinkedHashMap<>();
        binds.put("tenant", tenant);
        binds.put("train", q.trainId());
        if (q.type() != null) {
            sql.append(q.type().equals("realtime") ? " and prediction_type = :type"
                    : " and prediction_type <> 'realtime' and prediction_type = :type");
            binds.put("type", q.type());
        }
        if (q.workloadId() != null) {
            sql.append(" and workload_id = :workload");
            binds.put("workload", q.workloadId());
        }
        if (q.clientId() != null) {
            sql.append(" and client_id = :client");
            binds.put("client", q.clientId());
        }
        if (withCursor && q.cursor() != null) {
            sql.append(" and id < :cursor");
            binds.put("cursor", q.cursor());
        }
        return new Where(sql.toString(), binds);
    }

    Mono<Boolean> claim(String runId) {
        return db.sql("update prediction set status = 'running' where run_id = :run and status = 'pending'")
                .bind("run", runId).fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Boolean> complete(String runId, long records, Double accuracy, String fileId, String resultPath, String output) {
        return db.sql("""
                        update prediction set status = 'completed', no_of_records = :records, accuracy = :accuracy,
                            file_id = :file, result_path = :path, output = :output, finished_at = now()
                        where run_id = :run and status = 'running'""")
                .bind("run", runId).bind("records", records)
                .bind("accuracy", Parameter.fromOrEmpty(accuracy, Double.class))
                .bind("file", Parameter.fromOrEmpty(fileId, String.class))
                .bind("path", Parameter.fromOrEmpty(resultPath, String.class))
                .bind("output", Json.of(output))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Boolean> finish(String runId, String status, String error) {
        return db.sql("""
                        update prediction set status = :status, error_message = :error, finished_at = now()
                        where run_id = :run and status in ('pending', 'running')""")
                .bind("run", runId).bind("status", status).bind("error", Parameter.fromOrEmpty(error, String.class))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    private static Row row(Readable r) {
        return new Row(r.get("id", Long.class), r.get("tenant_id", String.class), r.get("train_id", Long.class),
                r.get("model_version", Integer.class), r.get("preprocess_id", Long.class),
                r.get("predictor_name", String.class), r.get("problem_type", String.class), r.get("domain", String.class),
                r.get("prediction_type", String.class), r.get("status", String.class), r.get("input", String.class),
                r.get("output", String.class), r.get("latency_ms", Double.class), r.get("workload_id", String.class),
                r.get("client_id", String.class), r.get("dataset_id", Long.class), r.get("no_of_records", Long.class),
                r.get("accuracy", Double.class), r.get("run_id", String.class), r.get("file_id", String.class),
                r.get("result_path", String.class), r.get("error_message", String.class),
                r.get("created_at", Instant.class));
    }
}
