package io.runstream.job.run;

import io.r2dbc.spi.Readable;
import io.runstream.job.support.Sql;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.run.RunStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Repository
class RunRepository {

    private final DatabaseClient db;
    private final JsonMapper json;

    RunRepository(DatabaseClient db, EventCodec codec) {
        this.db = db;
        this.json = codec.mapper();
    }

    Mono<Void> insert(RunRow r) {
        var spec = db.sql("""
                insert into run (id, tenant_id, job_id, executor, owner, owner_name, project, args, priority, tags,
                    resources, status, progress, attempt, max_attempts, lease_seconds, created_at, attempt_created_at)
                values (:id, :tenant, :jobId, :executor, :owner, :ownerName, :project, :args, :priority, :tags,
                    :resources, :status, 0, :attempt, :maxAttempts, :leaseSeconds, :createdAt, :createdAt)""")
                .bind("id", r.id()).bind("tenant", r.tenantId()).bind("jobId", r.jobId()).bind("executor", r.executor())
                .bind("priority", r.priority()).bind("tags", r.tags().toArray(String[]::new))
                .bind("status", r.status().wireName()).bind("attempt", r.attempt())
                .bind("maxAttempts", r.maxAttempts()).bind("leaseSeconds", r.leaseSeconds())
                .bind("createdAt", r.createdAt());
        spec = Sql.bind(spec, "owner", r.owner(), String.class);
        spec = Sql.bind(spec, "ownerName", r.ownerName(), String.class);
        spec = Sql.bind(spec, "project", r.project(), String.class);
        spec = Sql.bindJson(spec, "args", r.args(), json);
        spec = Sql.bindJson(spec, "resources", r.resources(), json);
        return spec.then();
    }

    /** Writes the mutable columns of the current attempt. */
    Mono<Void> update(RunRow r) {
        var spec = db.sql("""
                update run set status = :status, progress = :progress, message = :message, result = :result,
                    error = :error, attempt = :attempt, lease_seconds = :leaseSeconds, lease_expires_at = :leaseExpiresAt,
                    retry_type = :retryType, attempt_created_at = :attemptCreatedAt, started_at = :startedAt,
                    finished_at = :finishedAt, metrics = :metrics, tags = :tags, updated_at = now()
                where id = :id""")
                .bind("id", r.id()).bind("status", r.status().wireName()).bind("progress", r.progress())
                .bind("attempt", r.attempt()).bind("leaseSeconds", r.leaseSeconds())
                .bind("attemptCreatedAt", r.attemptCreatedAt()).bind("tags", r.tags().toArray(String[]::new));
        spec = Sql.bind(spec, "message", r.message(), String.class);
        spec = Sql.bindJson(spec, "result", r.result(), json);
        spec = Sql.bindJson(spec, "error", r.error(), json);
        spec = Sql.bind(spec, "leaseExpiresAt", r.leaseExpiresAt(), Instant.class);
        spec = Sql.bind(spec, "retryType", r.retryType(), String.class);
        spec = Sql.bind(spec, "startedAt", r.startedAt(), Instant.class);
        spec = Sql.bind(spec, "finishedAt", r.finishedAt(), Instant.class);
        spec = Sql.bindJson(spec, "metrics", r.metrics(), json);
        return spec.then();
    }

    /** Locks the run for the rest of the transaction (the projection and control operations serialise on it). */
    Mono<RunRow> lock(String id) {
        return db.sql("select * from run where id = :id for update").bind("id", id).map(this::map).one();
    }

    Mono<RunRow> lock(String tenant, String id) {
        return db.sql("select * from run where id = :id and tenant_id = :tenant for update")
                .bind("id", id).bind("tenant", tenant).map(this::map).one();
    }

    Mono<RunRow> find(String tenant, String id) {
        return db.sql("select * from run where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant).map(this::map).one();
    }

    Mono<Void> archiveAttempt(RunRow r) {
        var spec = db.sql("""
                insert into run_attempt (run_id, attempt, status, result, error, created_at, started_at, finished_at)
                values (:id, :attempt, :status, :result, :error, :createdAt, :startedAt, :finishedAt)
                on conflict do nothing""")
                .bind("id", r.id()).bind("attempt", r.attempt()).bind("status", r.status().wireName())
                .bind("createdAt", r.attemptCreatedAt());
        spec = Sql.bindJson(spec, "result", r.result(), json);
        spec = Sql.bindJson(spec, "error", r.error(), json);
        spec = Sql.bind(spec, "startedAt", r.startedAt(), Instant.class);
        spec = Sql.bind(spec, "finishedAt", r.finishedAt(), Instant.class);
        return spec.then();
    }

    Flux<RunView.Attempt> attempts(String runId) {
        return db.sql("select * from run_attempt where run_id = :id order by attempt").bind("id", runId)
                .map(row -> new RunView.Attempt(row.get("attempt", Integer.class),
                        RunStatus.fromWire(row.get("status", String.class)), Sql.instant(row, "created_at"),
                        Sql.instant(row, "started_at"), Sql.instant(row, "finished_at"), Sql.json(row, "error", json)))
                .all();
    }

    Mono<Void> upsertStep(String runId, int attempt, String stepId, String name, RunStatus status, JsonNode error,
                          Instant startedAt, Instant finishedAt) {
        var spec = db.sql("""
                insert into run_step (run_id, attempt, step_id, name, status, error, started_at, finished_at)
                values (:runId, :attempt, :stepId, :name, :status, :error, :startedAt, :finishedAt)
                on conflict (run_id, attempt, step_id) do update set status = excluded.status,
                    name = coalesce(excluded.name, run_step.name), error = excluded.error,
                    started_at = coalesce(run_step.started_at, excluded.started_at),
                    finished_at = coalesce(excluded.finished_at, run_step.finished_at)""")
                .bind("runId", runId).bind("attempt", attempt).bind("stepId", stepId).bind("status", status.wireName());
        spec = Sql.bind(spec, "name", name, String.class);
        spec = Sql.bindJson(spec, "error", error, json);
        spec = Sql.bind(spec, "startedAt", startedAt, Instant.class);
        spec = Sql.bind(spec, "finishedAt", finishedAt, Instant.class);
        return spec.then();
    }

    Flux<RunView.Step> steps(String runId, int attempt) {
        return db.sql("select * from run_step where run_id = :id and attempt = :attempt order by started_at nulls last, step_id")
                .bind("id", runId).bind("attempt", attempt)
                .map(row -> new RunView.Step(row.get("step_id", String.class), row.get("name", String.class),
                        RunStatus.fromWire(row.get("status", String.class)), Sql.instant(row, "started_at"),
                        Sql.instant(row, "finished_at"), Sql.json(row, "error", json)))
                .all();
    }

    Mono<Void> insertMetrics(String runId, String tenant, Instant time, Map<String, Double> values) {
        if (values == null || values.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(values.entrySet())
                .filter(e -> e.getValue() != null && Double.isFinite(e.getValue()))
                .concatMap(e -> db.sql("insert into run_metric (run_id, tenant_id, name, time, value) values (:r, :t, :n, :time, :v)")
                        .bind("r", runId).bind("t", tenant).bind("n", e.getKey()).bind("time", time).bind("v", e.getValue())
                        .then())
                .then();
    }

    Flux<RunRow> list(String tenant, RunQuery query) {
        Where where = where(tenant, query, true);
        String sql = "select * from run where " + where.sql + " order by id desc limit :limit offset :offset";
        var spec = db.sql(sql).bind("limit", query.limit()).bind("offset", query.offset());
        for (var bind : where.binds.entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map(this::map).all();
    }

    Mono<Long> count(String tenant, RunQuery query) {
        Where where = where(tenant, query, false);
        var spec = db.sql("select count(*) as total from run where " + where.sql);
        for (var bind : where.binds.entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map(row -> row.get("total", Long.class)).one();
    }

    Mono<Long> delete(String tenant, String id) {
        return db.sql("delete from run where id = :id and tenant_id = :tenant").bind("id", id).bind("tenant", tenant)
                .fetch().rowsUpdated()
                .flatMap(count -> count == 0 ? Mono.just(0L) : Flux.concat(
                                db.sql("delete from run_attempt where run_id = :id").bind("id", id).then(),
                                db.sql("delete from run_step where run_id = :id").bind("id", id).then(),
                                db.sql("delete from run_metric where run_id = :id").bind("id", id).then())
                        .then(Mono.just(count)));
    }

    /** Running or paused runs whose lease ran out. */
    Flux<String> expiredLeases(Instant now, int limit) {
        return db.sql("""
                        select id from run where status in ('running', 'paused') and lease_expires_at < :now
                        order by lease_expires_at limit :limit""")
                .bind("now", now).bind("limit", limit)
                .map(row -> row.get("id", String.class)).all();
    }

    private record Where(String sql, Map<String, Object> binds) {
    }

    private static Where where(String tenant, RunQuery q, boolean withCursor) {
        List<String> clauses = new ArrayList<>();
        Map<String, Object> binds = new LinkedHashMap<>();
        clauses.add("tenant_id = :tenant");
        binds.put("tenant", tenant);
        if (q.jobId() != null) {
            clauses.add("job_id = :jobId");
            binds.put("jobId", q.jobId());
        }
        if (q.statuses() != null && !q.statuses().isEmpty()) {
            clauses.add("status = any(:statuses)");
            binds.put("statuses", q.statuses().stream().map(RunStatus::wireName).toArray(String[]::new));
        }
        if (q.tags() != null && !q.tags().isEmpty()) {
            clauses.add("tags && :tags");
            binds.put("tags", q.tags().toArray(String[]::new));
        }
        if (q.priority() != null) {
            clauses.add("priority = :priority");
            binds.put("priority", q.priority());
        }
        if (q.user() != null) {
            clauses.add("(owner = :user or owner_name = :user)");
            binds.put("user", q.user());
        }
        if (q.from() != null) {
            clauses.add("created_at >= :from");
            binds.put("from", q.from());
        }
        if (q.to() != null) {
            clauses.add("created_at <= :to");
            binds.put("to", q.to());
        }
        if (q.q() != null) {
            clauses.add("id ilike :q");
            binds.put("q", "%" + q.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (q.ids() != null && !q.ids().isEmpty()) {
            clauses.add("id = any(:ids)");
            binds.put("ids", q.ids().toArray(String[]::new));
        }
        if (withCursor && q.cursor() != null) {
            clauses.add("id < :cursor");
            binds.put("cursor", q.cursor());
        }
        return new Where(String.join(" and ", clauses), binds);
    }

    private RunRow map(Readable row) {
        return new RunRow(row.get("id", String.class), row.get("tenant_id", String.class), row.get("job_id", String.class),
                row.get("executor", String.class), row.get("owner", String.class), row.get("owner_name", String.class),
                row.get("project", String.class), Sql.json(row, "args", json), row.get("priority", Integer.class),
                List.copyOf(Arrays.asList(Sql.strings(row, "tags"))), Sql.json(row, "resources", json),
                RunStatus.fromWire(row.get("status", String.class)), row.get("progress", Double.class),
                row.get("message", String.class), Sql.json(row, "result", json), Sql.json(row, "error", json),
                row.get("attempt", Integer.class), row.get("max_attempts", Integer.class),
                row.get("lease_seconds", Integer.class), Sql.instant(row, "lease_expires_at"),
                row.get("retry_type", String.class), Sql.instant(row, "created_at"),
                Sql.instant(row, "attempt_created_at"), Sql.instant(row, "started_at"), Sql.instant(row, "finished_at"),
                Sql.instant(row, "updated_at"), Sql.json(row, "metrics", json));
    }
}
