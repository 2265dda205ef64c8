package io.runstream.training.predictor;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;

/** SQL of predictors, trainings, preprocess artifacts and feature importance; every query is tenant-scoped. */
@Repository
class PredictorRepository {

    private static final String TRAINING_COLUMNS = """
            t.id, t.predictor_id, t.tenant_id, t.run_id, t.job_id, t.version, t.dataset_id, t.columns::text as columns,
            t.algorithm, t.booster, t.is_incremental, t.base_training_id, t.shap_enabled, t.status, t.error_code,
            t.error_message, t.preprocess_id, t.split_seed, t.train_rows, t.validation_rows, t.boosted_rounds,
            t.metrics::text as metrics, t.confusion_matrix::text as confusion_matrix, t.model_path,
            t.callback_token_hash, t.created_by, t.created_at, t.started_at, t.finished_at, t.attempt""";
    private static final String IMPORTANCE_COLUMNS = """
            predictor_id, tenant_id, training_id, run_id, status, shares::text as shares,
            mean_abs_shap::text as mean_abs_shap, sample_rows, error_message, modified_at, attempt""";

    private final DatabaseClient db;

    PredictorRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Rows.Predictor> findPredictorByName(String tenant, String name) {
        return db.sql("select * from predictor where tenant_id = :tenant and predictor_name = :name")
                .bind("tenant", tenant).bind("name", name)
                .map(PredictorRepository::predictor).one();
    }

    Mono<Rows.Predictor> findPredictor(String tenant, long id) {
        return db.sql("select * from predictor where tenant_id = :tenant and id = :id")
                .bind("tenant", tenant).bind("id", id)
                .map(PredictorRepository::predictor).one();
    }

    /** Only for callbacks of an external engine, which prove who they are with the run's callback token. */
    Mono<Rows.Predictor> findPredictorAnyTenant(long id) {
        return db.sql("select * from predictor where id = :id").bind("id", id)
                .map(PredictorRepository::predictor).one();
    }

    Flux<Rows.Training> pendingTrainings() {
        return db.sql("select " + TRAINING_COLUMNS + " from training t where t.status = 'pending' order by t.id")
                .map(PredictorRepository::training).all();
    }

    Flux<Rows.Importance> pendingImportance() {
        return db.sql("select " + IMPORTANCE_COLUMNS + " " + """
                        from feature_importance where status = 'pending'""")
                .map(PredictorRepository::importance).all();
    }

    /** Locks the predictor row for the rest of the transaction (serialises trainings of one predictor). */
    Mono<Rows.Predictor> lockPredictor(String tenant, long id) {
        return db.sql("select * from predictor where tenant_id = :tenant and id = :id for update")
                .bind("tenant", tenant).bind("id", id)
                .map(PredictorRepository::predictor).one();
    }

    Flux<Rows.Predictor> listPredictors(String tenant) {
        return db.sql("select * from predictor where tenant_id = :tenant order by id")
                .bind("tenant", tenant).map(PredictorRepository::predictor).all();
    }

    Mono<Rows.Predictor> insertPredictor(String tenant, String name, String domain, String problemType, String createdBy) {
        return db.sql("""
                        insert into predictor (tenant_id, predictor_name, domain, problem_type, created_by)
                        values (:tenant, :name, :domain, :problemType, :createdBy)
                        on conflict (tenant_id, predictor_name) do nothing
                        returning *""")
                .bind("tenant", tenant).bind("name", name).bind("domain", Parameter.fromOrEmpty(domain, String.class)).bind("problemType", problemType)
                .bind("createdBy", createdBy == null ? "" : createdBy)
                .map(PredictorRepository::predictor).one();
    }

    Mono<Void> touchPredictor(long id, String domain) {
        return db.sql("update predictor set modified_at = now(), domain = coalesce(:domain, domain) where id = :id")
                .bind("id", id).bind("domain", Parameter.fromOrEmpty(domain, String.class))
                .then();
    }

    Mono<Long> deletePredictor(String tenant, long id) {
        return db.sql("delete from predictor where tenant_id = :tenant and id = :id")
                .bind("tenant", tenant).bind("id", id).fetch().rowsUpdated();
    }

    Mono<Void> activate(long predictorId, long trainingId) {
        return db.sql("update predictor set active_training_id = :training, modified_at = now() where id = :id")
                .bind("id", predictorId).bind("training", trainingId).then();
    }

    Mono<Integer> nextVersion(long predictorId) {
        return db.sql("select coalesce(max(version), 0) + 1 as v from training where predictor_id = :id")
                .bind("id", predictorId).map(row -> row.get("v", Integer.class)).one();
    }

    Mono<Rows.Training> insertTraining(Rows.Training t) {
        return db.sql("""
                        insert into training (predictor_id, tenant_id, run_id, job_id, version, dataset_id, columns,
                            algorithm, is_incremental, base_training_id, shap_enabled, status, split_seed,
                            callback_token_hash, created_by)
                        values (:predictor, :tenant, :runId, :jobId, :version, :dataset, :columns, :algorithm,
                            :incremental, :base, :shap, 'pending', :seed, :token, :createdBy)
                        returning id""")
                .bind("predictor", t.predictorId()).bind("tenant", t.tenantId()).bind("runId", t.runId())
                .bind("jobId", t.jobId()).bind("version", t.version()).bind("dataset", t.datasetId())
                .bind("columns", Json.of(t.columns())).bind("algorithm", t.algorithm())
                .bind("incremental", t.incremental()).bind("base", Parameter.fromOrEmpty(t.baseTrainingId(), Long.class))
                .bind("shap", t.shapEnabled()).bind("seed", t.splitSeed()).bind("token", t.callbackTokenHash())
                .bind("createdBy", t.createdBy() == null ? "" : t.createdBy())
                .map(row -> row.get("id", Long.class)).one()
                .flatMap(this::findTrainingById);
    }

    Mono<Rows.Training> findTrainingById(long id) {
        return db.sql("select " + TRAINING_COLUMNS + " from training t where t.id = :id")
                .bind("id", id).map(PredictorRepository::training).one();
    }

    Mono<Rows.Training> findTraining(String tenant, long id) {
        return db.sql("select " + TRAINING_COLUMNS + " from training t where t.id = :id and t.tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant).map(PredictorRepository::training).one();
    }

    Mono<Rows.Training> findTrainingByRun(String runId) {
        return db.sql("select " + TRAINING_COLUMNS + " from training t where t.run_id = :run")
                .bind("run", runId).map(PredictorRepository::training).one();
    }

    Mono<Rows.Training> latestTraining(String tenant, long predictorId) {
        return db.sql("select " + TRAINING_COLUMNS + """
                         from training t where t.tenant_id = :tenant and t.predictor_id = :id
                        order by t.version desc limit 1""")
                .bind("tenant", tenant).bind("id", predictorId).map(PredictorRepository::training).one();
    }

    Mono<Rows.Training> activeTraining(String tenant, long predictorId) {
        return db.sql("select " + TRAINING_COLUMNS + """
                         from training t join predictor p on p.active_training_id = t.id
                        where p.tenant_id = :tenant and p.id = :id""")
                .bind("tenant", tenant).bind("id", predictorId).map(PredictorRepository::training).one();
    }

    Flux<Rows.Training> unfinishedTrainings(String tenant) {
        return db.sql("select " + TRAINING_COLUMNS + " from training t where t.tenant_id = :tenant and t.status in ('pending','running','paused')")
                .bind("tenant", tenant).map(PredictorRepository::training).all();
    }

    Mono<Rows.Training> latestCompletedWithPreprocess(String tenant, long predictorId, long preprocessId) {
        return db.sql("select " + TRAINING_COLUMNS + """
                         from training t where t.tenant_id = :tenant and t.predictor_id = :id
                        and t.preprocess_id = :pre and t.status = 'completed' and t.model_path is not null
                        order by t.version desc limit 1""")
                .bind("tenant", tenant).bind("id", predictorId).bind("pre", preprocessId)
                .map(PredictorRepository::training).one();
    }

    /** pending → running, only once (the claim of one worker); answers whether this caller won it. */
    Mono<Boolean> claim(long trainingId) {
        return db.sql("update training set status = 'running', started_at = now() where id = :id and status = 'pending'")
                .bind("id", trainingId).fetch().rowsUpdated().map(n -> n == 1);
    }

    /** running ⇄ paused (the engine paused at a round boundary, or resumed); answers whether it moved. */
    Mono<Boolean> setPaused(long trainingId, boolean paused) {
        return db.sql("update training set status = :to where id = :id and status = :from")
                .bind("id", trainingId).bind("to", paused ? "paused" : "running").bind("from", paused ? "running" : "paused")
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /**
     * A retry: job-service announced attempt {@code attempt} of a run whose training failed or was
     * cancelled here; it becomes pending again (same run, same model version). Answers whether it did.
     */
    Mono<Boolean> newAttempt(long trainingId, int attempt) {
        return db.sql("""
                        update training set status = 'pending', attempt = :attempt, error_code = null,
                            error_message = null, started_at = null, finished_at = null
                        where id = :id and attempt < :attempt and status in ('failed', 'cancelled')""")
                .bind("id", trainingId).bind("attempt", attempt).fetch().rowsUpdated().map(n -> n == 1);
    }

    /** A retry of a feature-importance run that failed or was cancelled (and is still the predictor's latest). */
    Mono<Boolean> newImportanceAttempt(String runId, int attempt) {
        return db.sql("""
                        update feature_importance set status = 'pending', attempt = :attempt, error_message = null,
                            modified_at = now()
                        where run_id = :run and attempt < :attempt and status in ('failed', 'cancelled')""")
                .bind("run", runId).bind("attempt", attempt).fetch().rowsUpdated().map(n -> n == 1);
    }

    /** Moves a non-terminal training to a terminal status; answers whether it did (first terminal state wins). */
    Mono<Boolean> finish(long trainingId, String status, String errorCode, String errorMessage) {
        return db.sql("""
                        update training set status = :status, error_code = :code, error_message = :message,
                            finished_at = now()
                        where id = :id and status in ('pending', 'running', 'paused')""")
                .bind("id", trainingId).bind("status", status).bind("code", Parameter.fromOrEmpty(errorCode, String.class))
                .bind("message", Parameter.fromOrEmpty(errorMessage, String.class))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Boolean> complete(long trainingId, String booster, long preprocessId, int trainRows, int validationRows,
                           int rounds, String metrics, String confusion, String modelPath) {
        return db.sql("""
                        update training set status = 'completed', booster = :booster, preprocess_id = :pre,
                            train_rows = :trainRows, validation_rows = :validationRows, boosted_rounds = :rounds,
                            metrics = :metrics, confusion_matrix = :confusion, model_path = :path, finished_at = now()
                        where id = :id and status = 'running'""")
                .bind("id", trainingId).bind("booster", booster).bind("pre", preprocessId)
                .bind("trainRows", trainRows).bind("validationRows", validationRows).bind("rounds", rounds)
                .bind("metrics", Json.of(metrics))
                .bind("confusion", confusion == null ? Json.of("null") : Json.of(confusion))
                .bind("path", modelPath)
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /** An external engine's result (the /train/result callback). */
    Mono<Boolean> completeExternally(long trainingId, String metrics, String result, String preprocessRef) {
        return db.sql("""
                        update training set status = 'completed', metrics = :metrics, external_result = :result,
                            finished_at = now()
                        where id = :id and status in ('pending', 'running', 'paused')""")
                .bind("id", trainingId).bind("metrics", Json.of(metrics)).bind("result", Json.of(result))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Long> insertPreprocess(long predictorId, String tenant, String artifact) {
        return db.sql("""
                        insert into preprocess (predictor_id, tenant_id, version, artifact)
                        values (:id, :tenant, (select coalesce(max(version), 0) + 1 from preprocess where predictor_id = :id),
                            :artifact)
                        returning id""")
                .bind("id", predictorId).bind("tenant", tenant).bind("artifact", Json.of(artifact))
                .map(row -> row.get("id", Long.class)).one();
    }

    Mono<String> preprocessArtifact(String tenant, long preprocessId) {
        return db.sql("select artifact::text as artifact from preprocess where id = :id and tenant_id = :tenant")
                .bind("id", preprocessId).bind("tenant", tenant)
                .map(row -> row.get("artifact", String.class)).one();
    }

    Mono<Boolean> preprocessBelongsTo(String tenant, long predictorId, long preprocessId) {
        return db.sql("select count(*) as n from preprocess where id = :id and tenant_id = :tenant and predictor_id = :p")
                .bind("id", preprocessId).bind("tenant", tenant).bind("p", predictorId)
                .map(row -> row.get("n", Long.class) > 0).one();
    }

    Mono<Rows.Importance> findImportance(String tenant, long predictorId) {
        return db.sql("select " + IMPORTANCE_COLUMNS + " " + """
                        from feature_importance where tenant_id = :tenant and predictor_id = :id""")
                .bind("tenant", tenant).bind("id", predictorId).map(PredictorRepository::importance).one();
    }

    Mono<Rows.Importance> findImportanceByRun(String runId) {
        return db.sql("select " + IMPORTANCE_COLUMNS + " " + """
                        from feature_importance where run_id = :run""")
                .bind("run", runId).map(PredictorRepository::importance).one();
    }

    Mono<Void> upsertImportance(long predictorId, String tenant, Long trainingId, String runId, String status,
                                String shares, String meanAbs, Integer rows, String error) {
        return db.sql("""
                        insert into feature_importance (predictor_id, tenant_id, training_id, run_id, status, shares,
                            mean_abs_shap, sample_rows, error_message, modified_at)
                        values (:id, :tenant, :training, :run, :status, :shares, :meanAbs, :rows, :error, now())
                        on conflict (predictor_id) do update set training_id = excluded.training_id,
                            run_id = excluded.run_id, status = excluded.status, shares = excluded.shares,
                            mean_abs_shap = excluded.mean_abs_shap, sample_rows = excluded.sample_rows,
                            error_message = excluded.error_message, modified_at = now()""")
                .bind("id", predictorId).bind("tenant", tenant).bind("training", Parameter.fromOrEmpty(trainingId, Long.class))
                .bind("run", Parameter.fromOrEmpty(runId, String.class))
                .bind("status", status)
                .bind("shares", shares == null ? Json.of("null") : Json.of(shares))
                .bind("meanAbs", meanAbs == null ? Json.of("null") : Json.of(meanAbs))
                .bind("rows", Parameter.fromOrEmpty(rows, Integer.class))
                .bind("error", Parameter.fromOrEmpty(error, String.class))
                .then();
    }

    /** Moves a pending/running importance run to a terminal status (first terminal state wins). */
    Mono<Boolean> finishImportance(String runId, String status, String shares, String meanAbs, Integer rows, String error) {
        return db.sql("""
                        update feature_importance set status = :status, shares = :shares, mean_abs_shap = :meanAbs,
                            sample_rows = :rows, error_message = :error, modified_at = now()
                        where run_id = :run and status in ('pending', 'running')""")
                .bind("run", runId).bind("status", status)
                .bind("shares", shares == null ? Json.of("null") : Json.of(shares))
                .bind("meanAbs", meanAbs == null ? Json.of("null") : Json.of(meanAbs))
                .bind("rows", Parameter.fromOrEmpty(rows, Integer.class))
                .bind("error", Parameter.fromOrEmpty(error, String.class))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Boolean> cancelPendingImportance(String runId) {
        return db.sql("update feature_importance set status = 'cancelled', modified_at = now() where run_id = :run and status = 'pending'")
                .bind("run", runId).fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Boolean> claimImportance(String runId) {
        return db.sql("update feature_importance set status = 'running', modified_at = now() where run_id = :run and status = 'pending'")
                .bind("run", runId).fetch().rowsUpdated().map(n -> n == 1);
    }

    Mono<Long> deleteImportance(String tenant, long predictorId) {
        return db.sql("delete from feature_importance where tenant_id = :tenant and predictor_id = :id")
                .bind("tenant", tenant).bind("id", predictorId).fetch().rowsUpdated();
    }

    private static Rows.Predictor predictor(Readable row) {
        return new Rows.Predictor(row.get("id", Long.class), row.get("tenant_id", String.class),
                row.get("predictor_name", String.class), row.get("domain", String.class),
                row.get("problem_type", String.class), row.get("created_by", String.class),
                row.get("created_at", Instant.class), row.get("modified_at", Instant.class),
                row.get("active_training_id", Long.class));
    }

    private static Rows.Training training(Readable row) {
        return new Rows.Training(row.get("id", Long.class), row.get("predictor_id", Long.class),
                row.get("tenant_id", String.class), row.get("run_id", String.class), row.get("job_id", String.class),
                row.get("version", Integer.class), row.get("dataset_id", Long.class), row.get("columns", String.class),
                row.get("algorithm", String.class), row.get("booster", String.class),
                Boolean.TRUE.equals(row.get("is_incremental", Boolean.class)), row.get("base_training_id", Long.class),
                Boolean.TRUE.equals(row.get("shap_enabled", Boolean.class)), row.get("status", String.class),
                row.get("error_code", String.class), row.get("error_message", String.class),
                row.get("preprocess_id", Long.class), row.get("split_seed", Long.class),
                row.get("train_rows", Integer.class), row.get("validation_rows", Integer.class),
                row.get("boosted_rounds", Integer.class), row.get("metrics", String.class),
                row.get("confusion_matrix", String.class), row.get("model_path", String.class),
                row.get("callback_token_hash", String.class), row.get("created_by", String.class),
                row.get("created_at", Instant.class), row.get("started_at", Instant.class),
                row.get("finished_at", Instant.class), row.get("attempt", Integer.class));
    }

    private static Rows.Importance importance(Readable row) {
        return new Rows.Importance(row.get("predictor_id", Long.class), row.get("tenant_id", String.class),
                row.get("training_id", Long.class), row.get("run_id", String.class), row.get("status", String.class),
                row.get("shares", String.class), row.get("mean_abs_shap", String.class),
                row.get("sample_rows", Integer.class), row.get("error_message", String.class),
                row.get("modified_at", Instant.class), row.get("attempt", Integer.class));
    }
}
