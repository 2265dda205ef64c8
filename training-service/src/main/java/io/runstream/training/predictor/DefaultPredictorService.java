package io.runstream.training.predictor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunIds;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import io.runstream.training.config.TrainingProperties;
import io.runstream.training.data.DatasetUnavailableException;
import io.runstream.training.data.TrainingDataSource;
import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import io.runstream.training.store.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

@Service
class DefaultPredictorService implements PredictorService {

    static final String EXECUTOR = "training-service";
    static final String TRAIN_JOB = "training/tabular";
    static final String IMPORTANCE_JOB = "training/feature-importance";
    static final String TRAIN = "can_train_models";
    static final String READ = "models:read";

    private static final Logger log = LoggerFactory.getLogger(DefaultPredictorService.class);
    private static final TypeReference<LinkedHashMap<String, Double>> DOUBLES = new TypeReference<>() {
    };
    private static final TypeReference<List<List<Long>>> MATRIX = new TypeReference<>() {
    };

    private final PredictorRepository repository;
    private final TransactionalOperator tx;
    private final RunReporter reporter;
    private final EventCodec codec;
    private final TrainingProperties properties;
    private final ModelStore store;
    private final TrainingDataSource dataSource;
    private final CallbackTokens callbackTokens;
    private final TrainingExecutor executor;
    private final WebClient jobService;

    DefaultPredictorService(PredictorRepository repository, TransactionalOperator tx, RunReporter reporter,
                            EventCodec codec, TrainingProperties properties, ModelStore store,
                            TrainingDataSource dataSource, CallbackTokens callbackTokens, TrainingExecutor executor,
                            WebClient.Builder http) {
        this.repository = repository;
        this.tx = tx;
        this.reporter = reporter;
        this.codec = codec;
        this.properties = properties;
        this.store = store;
        this.dataSource = dataSource;
        this.callbackTokens = callbackTokens;
        this.executor = executor;
        this.jobService = http.baseUrl(properties.jobServiceUrl().toString()).build();
    }

    // ------------------------------------------------------------------ create

    record Created(Rows.Predictor predictor, Rows.Training training) {
    }

    @Override
    public Mono<TrainApi.TrainCreated> create(Caller caller, TrainApi.TrainRequest request) {
        return require(caller, TRAIN).then(newRunId()).flatMap(runId -> {
            TrainingSpec spec = TrainingSpec.of(request);
            return tx.transactional(createTraining(caller.tenant(), caller.username(), caller.userId(), request, spec,
                    runId, true));
        }).map(created -> new TrainApi.TrainCreated(created.predictor().id(), created.predictor().tenantId(),
                created.predictor().predictorName(), created.predictor().problemType(), request.domain(),
                created.predictor().createdBy(), created.training().datasetId(), created.predictor().createdAt(),
                Instant.now(), created.training().status(), created.training().runId(), created.training().version(),
                created.training().incremental(), created.training().algorithm()));
    }

    /**
     * Creates (or reuses) the predictor and a pending training. When {@code announce}, the run is new
     * and {@code run.created} goes out through the outbox; otherwise another service created the run.
     */
    Mono<Created> createTraining(String tenant, String username, String owner, TrainApi.TrainRequest request,
                                 TrainingSpec spec, String runId, boolean announce) {
        return repository.insertPredictor(tenant, request.predictorName(), request.domain(), spec.type().label(), username)
                .switchIfEmpty(Mono.defer(() -> repository.findPredictorByName(tenant, request.predictorName())))
                .flatMap(predictor -> repository.lockPredictor(tenant, predictor.id()))
                .flatMap(predictor -> {
                    if (!predictor.problemType().equals(spec.type().label())) {
                        return Mono.error(Problems.conflict("predictor-problem-type", "The predictor '"
                                + predictor.predictorName() + "' is a " + predictor.problemType()
                                + " predictor; train a new predictor for " + spec.type().label()));
                    }
                    return optional(repository.latestTraining(tenant, predictor.id())).flatMap(latest -> {
                        if (latest.isPresent() && !latest.get().terminal()) {
                            return Mono.error(Problems.with(Problems.conflict("training-in-progress", "The predictor '"
                                    + predictor.predictorName() + "' is being trained (run " + latest.get().runId() + ")"),
                                    Map.of("status", latest.get().status(), "run_id", latest.get().runId())));
                        }
                        Mono<Optional<Rows.Training>> base = !spec.incremental() ? Mono.just(Optional.empty())
                                : repository.activeTraining(tenant, predictor.id()).filter(t -> t.modelPath() != null)
                                .map(Optional::of)
                                .switchIfEmpty(Mono.error(Problems.conflict("nothing-to-continue", "is_incremental "
                                        + "continues the predictor's current model, and '" + predictor.predictorName()
                                        + "' has no trained model yet")));
                        return base.flatMap(b -> repository.nextVersion(predictor.id()).flatMap(version ->
                                repository.insertTraining(new Rows.Training(0, predictor.id(), tenant, runId, TRAIN_JOB,
                                        version, request.datasetId(), json(request.columns()), spec.algorithm().booster(),
                                        null, spec.incremental(), b.map(Rows.Training::id).orElse(null), spec.shap(),
                                        "pending", null, null, null, properties.splitSeed(), null, null, null, null, null,
                                        null, callbackTokens.hash(callbackTokens.tokenFor(runId)), username, null, null,
                                        null, 1))));
                    }).flatMap(training -> repository.touchPredictor(predictor.id(), request.domain())
                            .then(announce ? reporter.created(tenant, runCreated(training, owner, request)) : Mono.empty())
                            .thenReturn(new Created(predictor, training)));
                });
    }

    private RunEvents.RunCreated runCreated(Rows.Training training, String owner, TrainApi.TrainRequest request) {
        ObjectNode args = (ObjectNode) codec.toData(request);
        args.put("train_id", training.predictorId());
        args.put("model_version", training.version());
        return new RunEvents.RunCreated(training.runId(), TRAIN_JOB, EXECUTOR, owner, null, args, 0,
                List.of("training"), null, 1, Instant.now());
    }

    /** A training/tabular run that job-service created: its args are a train request. */
    Mono<Rows.Training> adopt(String runId, String tenant, String owner, JsonNode args) {
        return Mono.defer(() -> {
            TrainApi.TrainRequest request;
            try {
                request = codec.mapper().treeToValue(args, TrainApi.TrainRequest.class);
            } catch (RuntimeException e) {
                return Mono.error(new IllegalArgumentException("the run's args are not a train request: " + e.getMessage()));
            }
            if (request == null || request.datasetId() == null || request.predictorName() == null
                    || request.domain() == null || request.problemType() == null || request.columns() == null) {
                return Mono.error(new IllegalArgumentException(
                        "the run's args need dataset_id, predictor_name, domain, problem_type and columns"));
            }
            if (request.columns().stream().anyMatch(c -> c == null || c.columnName() == null || c.attributeName() == null)) {
                return Mono.error(new IllegalArgumentException("every column needs column_name and attribute_name"));
            }
            TrainingSpec spec = TrainingSpec.of(request);
            return tx.transactional(createTraining(tenant, owner, owner, request, spec, runId, false))
                    .map(Created::training);
        });
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Mono<TrainApi.Details> details(Caller caller, TrainApi.DetailsRequest request) {
        return require(caller, TRAIN).then(Mono.defer(() -> {
            ProblemType type = ProblemType.parse(request.problemType()).orElseThrow(() -> Problems.invalidFields(
                    "The request is invalid", List.of(new Problems.FieldError("problem_type",
                            "must be one of Classification, Regression, Forecast"))));
            return dataSource.schema(caller.tenant(), request.datasetId())
                    .onErrorMap(DatasetUnavailableException.class, e -> e.notFound()
                            ? Problems.notFound("dataset", String.valueOf(request.datasetId()))
                            : Problems.of(HttpStatus.BAD_GATEWAY, "dataset-service-unavailable", "Bad Gateway", e.getMessage()))
                    .map(columns -> new TrainApi.Details(request.datasetId(), request.predictorName(), request.domain(),
                            type.label(), columns.stream().map(c -> new TrainApi.SchemaColumn(c.columnName(), c.dataType())).toList(),
                            type == ProblemType.FORECAST ? List.of("Id", "Target", "Feature", "Timestamp")
                                    : List.of("Id", "Target", "Feature")));
        }));
    }

    @Override
    public Mono<TrainApi.TrainList> list(Caller caller) {
        return requireAny(caller, READ, TRAIN).thenMany(Flux.defer(() -> repository.listPredictors(caller.tenant())))
                .concatMap(this::view)
                .map(this::item)
                .collectList()
                .map(items -> new TrainApi.TrainList(items.size(), items));
    }

    @Override
    public Mono<TrainApi.TrainList> refresh(Caller caller) {
        return requireAny(caller, READ, TRAIN)
                .thenMany(Flux.defer(() -> repository.unfinishedTrainings(caller.tenant())))
                .concatMap(training -> reconcile(caller, training))
                .then(list(caller));
    }

    /** Adopts job-service's terminal verdict (e.g. a lease that expired) for a training we still think unfinished. */
    private Mono<Void> reconcile(Caller caller, Rows.Training training) {
        return jobService.get().uri("/api/v1/runs/{id}", training.runId())
                .headers(h -> h.setBearerAuth(caller.token()))
                .retrieve()
                .bodyToMono(JsonNode.class)
                .flatMap(run -> {
                    String status = run.path("status").asString("").toLowerCase(Locale.ROOT);
                    if (!status.equals("failed") && !status.equals("cancelled")) {
                        return Mono.empty();
                    }
                    executor.requestCancel(training.runId());
                    return repository.finish(training.id(), status, "reconciled",
                            "job-service reports the run as " + status).then();
                })
                .onErrorResume(e -> {
                    log.info("refresh: job-service has no answer for run {}: {}", training.runId(), e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Rows.View> view(Rows.Predictor predictor) {
        return Mono.zip(optional(repository.latestTraining(predictor.tenantId(), predictor.id())),
                        optional(repository.activeTraining(predictor.tenantId(), predictor.id())))
                .map(t -> new Rows.View(predictor, t.getT1().orElse(null), t.getT2().orElse(null)));
    }

    private TrainApi.TrainItem item(Rows.View view) {
        Rows.Predictor p = view.predictor();
        Rows.Training latest = view.latest();
        Rows.Training active = view.active();
        Map<String, Double> metrics = active == null ? null : doubles(active.metrics());
        String status = latest == null ? "pending" : latest.status();
        return new TrainApi.TrainItem(p.tenantId(), p.predictorName(), active == null ? null : active.preprocessId(),
                p.problemType(), p.domain(), p.createdBy(), p.id(), latest == null ? 0 : latest.datasetId(), null, "csv",
                p.createdAt(), p.modifiedAt(), "XGBoost", active != null ? active.booster() : latest == null ? null : latest.algorithm(),
                metrics == null ? null : metrics.get("accuracy"), active != null ? "completed" : status, status,
                capitalize(status), latest == null ? null : latest.runId(), latest == null ? null : latest.version(),
                active == null ? null : active.version(),
                latest == null || latest.errorCode() == null ? null : new TrainApi.ErrorView(latest.errorCode(), latest.errorMessage()),
                metrics);
    }

    @Override
    public Mono<TrainApi.DownloadSchema> downloadSchema(Caller caller, long trainId) {
        return requireAny(caller, READ, TRAIN).then(trainedModel(caller.tenant(), trainId))
                .flatMap(active -> repository.preprocessArtifact(caller.tenant(), active.preprocessId()).map(artifact -> {
                    Preprocessing pre = codec.mapper().readValue(artifact, Preprocessing.class);
                    List<TrainApi.SchemaColumn> schema = new ArrayList<>();
                    pre.idColumns().forEach(id -> schema.add(new TrainApi.SchemaColumn(id, "String")));
                    if (pre.forecast() != null) {
                        schema.add(new TrainApi.SchemaColumn(pre.forecast().timestampColumn(), "Date"));
                    }
                    pre.features().forEach(f -> schema.add(new TrainApi.SchemaColumn(f.name(), f.dataType())));
                    schema.add(new TrainApi.SchemaColumn(pre.target(), pre.targetDataType() != null ? pre.targetDataType()
                            : pre.classes() != null ? "String" : "Float"));
                    return new TrainApi.DownloadSchema(schema, pre.target(), active.preprocessId());
                }));
    }

    @Override
    public Mono<TrainApi.ModelSummary> summary(Caller caller, long trainId) {
        return requireAny(caller, READ, TRAIN).then(Mono.defer(() -> repository.findPredictor(caller.tenant(), trainId)))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(predictor -> trainedModel(caller.tenant(), trainId).map(active -> {
                    Map<String, Object> summary = new LinkedHashMap<>();
                    String kind = switch (ProblemType.parse(predictor.problemType()).orElse(ProblemType.REGRESSION)) {
                        case CLASSIFICATION -> "XGBoostClassifier";
                        case REGRESSION -> "XGBoostRegressor";
                        case FORECAST -> "XGBoostForecaster";
                    };
                    summary.put("model", kind);
                    Map<String, Double> metrics = doubles(active.metrics());
                    if (metrics != null) {
                        summary.putAll(metrics);
                    }
                    List<List<Long>> confusion = active.confusionMatrix() == null || active.confusionMatrix().equals("null")
                            ? null : codec.mapper().readValue(active.confusionMatrix(), MATRIX);
                    return new TrainApi.ModelSummary(summary, confusion, trainId, active.version(), active.preprocessId(),
                            active.booster(), active.trainRows(), active.validationRows(), active.splitSeed(),
                            active.boostedRounds());
                }));
    }

    /** The predictor's active model; 404 for an unknown predictor, 409 while none is trained. */
    private Mono<Rows.Training> trainedModel(String tenant, long trainId) {
        return repository.findPredictor(tenant, trainId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(p -> repository.activeTraining(tenant, trainId).filter(t -> t.preprocessId() != null)
                        .switchIfEmpty(Mono.defer(() -> optional(repository.latestTraining(tenant, trainId))
                                .flatMap(latest -> Mono.error(Problems.with(Problems.conflict("model-not-trained",
                                                "The predictor " + trainId + " has no trained model yet"),
                                        Map.of("training_status", latest.map(Rows.Training::status).orElse("none"))))))));
    }

    // ------------------------------------------------------------------ changes

    @Override
    public Mono<Void> delete(Caller caller, long trainId) {
        return require(caller, TRAIN).then(tx.transactional(Mono.defer(() -> repository.lockPredictor(caller.tenant(), trainId))
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                        .flatMap(p -> optional(repository.latestTraining(caller.tenant(), trainId)))
                        .flatMap(latest -> {
                            if (latest.isPresent() && !latest.get().terminal()) {
                                return Mono.error(Problems.with(Problems.conflict("training-in-progress",
                                                "The predictor " + trainId + " is being trained; cancel the run first"),
                                        Map.of("status", latest.get().status(), "run_id", latest.get().runId())));
                            }
                            return optional(repository.findImportance(caller.tenant(), trainId));
                        })
                        .flatMap(importance -> {
                            if (importance.isPresent() && isActive(importance.get().status())) {
                                return Mono.error(Problems.with(Problems.conflict("importance-in-progress",
                                        "Feature importance of predictor " + trainId + " is being computed"),
                                        Map.of("status", importance.get().status())));
                            }
                            return repository.deletePredictor(caller.tenant(), trainId);
                        })))
                .then(Mono.fromRunnable(() -> store.deletePredictor(caller.tenant(), trainId))
                        .subscribeOn(Schedulers.boundedElastic()))
                .then();
    }

    @Override
    public Mono<TrainApi.TrainItem> update(Caller caller, TrainApi.UpdateRequest request) {
        long trainId = request.trainId();
        return require(caller, TRAIN).then(tx.transactional(Mono.defer(() -> repository.lockPredictor(caller.tenant(), trainId))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(p -> repository.preprocessBelongsTo(caller.tenant(), trainId, request.preprocessId())
                        .flatMap(belongs -> belongs ? repository.latestCompletedWithPreprocess(caller.tenant(), trainId,
                                        request.preprocessId())
                                .switchIfEmpty(Mono.error(() -> Problems.conflict("no-model-for-preprocess",
                                        "No completed model of predictor " + trainId + " uses preprocess "
                                                + request.preprocessId())))
                                : Mono.error(Problems.notFound("preprocess", String.valueOf(request.preprocessId()))))
                        .flatMap(training -> repository.activate(trainId, training.id()))
                        .then(repository.findPredictor(caller.tenant(), trainId)))))
                .flatMap(this::view)
                .map(this::item);
    }

    // ------------------------------------------------------------------ feature importance

    @Override
    public Mono<TrainApi.FeatureImportanceView> viewImportance(Caller caller, long trainId) {
        return requireAny(caller, READ, TRAIN).then(Mono.defer(() -> repository.findPredictor(caller.tenant(), trainId)))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(p -> repository.findImportance(caller.tenant(), trainId))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("feature importance", String.valueOf(trainId))))
                .map(i -> new TrainApi.FeatureImportanceView(doubles(i.shares()), i.status(), doubles(i.meanAbsShap()),
                        i.sampleRows(), trainId, i.runId(), i.errorMessage()));
    }

    @Override
    public Mono<TrainApi.JobSubmitted> generateImportance(Caller caller, long trainId) {
        return require(caller, TRAIN).then(newRunId()).flatMap(runId -> tx.transactional(repository.lockPredictor(caller.tenant(), trainId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(p -> trainedModel(caller.tenant(), trainId))
                .flatMap(active -> optional(repository.findImportance(caller.tenant(), trainId)).flatMap(existing -> {
                    if (existing.isPresent() && isActive(existing.get().status())) {
                        return Mono.error(Problems.with(Problems.conflict("importance-in-progress",
                                "Feature importance of predictor " + trainId + " is being computed"),
                                Map.of("status", existing.get().status(), "shap_job_id", String.valueOf(existing.get().runId()))));
                    }
                    ObjectNode args = codec.mapper().createObjectNode();
                    args.put("train_id", trainId);
                    args.put("model_version", active.version());
                    return repository.upsertImportance(trainId, caller.tenant(), active.id(), runId, "pending", null, null,
                                    null, null)
                            .then(reporter.created(caller.tenant(), new RunEvents.RunCreated(runId, IMPORTANCE_JOB,
                                    EXECUTOR, caller.userId(), null, args, 0, List.of("training", "shap"), null, 1,
                                    Instant.now())))
                            .thenReturn(new TrainApi.JobSubmitted("success", "Feature importance job submitted successfully.",
                                    runId));
                }))));
    }

    @Override
    public Mono<Void> deleteImportance(Caller caller, long trainId) {
        return require(caller, TRAIN).then(Mono.defer(() -> repository.findPredictor(caller.tenant(), trainId)))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(p -> optional(repository.findImportance(caller.tenant(), trainId)))
                .flatMap(existing -> {
                    if (existing.isEmpty()) {
                        return Mono.error(Problems.notFound("feature importance", String.valueOf(trainId)));
                    }
                    if (isActive(existing.get().status())) {
                        return Mono.error(Problems.with(Problems.conflict("importance-in-progress",
                                "Feature importance of predictor " + trainId + " is being computed"),
                                Map.of("status", existing.get().status())));
                    }
                    return repository.deleteImportance(caller.tenant(), trainId);
                })
                .then();
    }

    // ------------------------------------------------------------------ callbacks of an external engine

    @Override
    public Mono<TrainApi.CallbackAnswer> trainResult(String callbackToken, TrainApi.ResultCallback callback) {
        if (callback.trainId() == null) {
            return Mono.error(Problems.invalidFields("The callback is invalid",
                    List.of(new Problems.FieldError("train_id", "is required"))));
        }
        return callbackTraining(callbackToken, callback.trainId()).flatMap(training -> {
            JsonNode error = callback.result().path("error");
            RunRef run = new RunRef(training.runId(), training.jobId(), training.tenantId(), training.attempt());
            Mono<Void> startIfPending = training.status().equals("pending")
                    ? repository.claim(training.id()).then(reporter.started(run, "external-engine", properties.leaseSeconds()))
                    : Mono.empty();
            Mono<TrainApi.CallbackAnswer> apply;
            if (!error.isMissingNode() && !error.isNull()) {
                String message = error.isString() ? error.asString() : error.toString();
                apply = startIfPending.then(repository.finish(training.id(), "failed", "engine-error", message))
                        .flatMap(applied -> applied
                                ? reporter.finished(run, RunStatus.FAILED, null, new RunEvents.RunError("engine-error", message))
                                .thenReturn(new TrainApi.CallbackAnswer("accepted", "The training is marked failed"))
                                : Mono.just(alreadyApplied(training)));
            } else if (callback.result().has("model") || callback.result().has("preprocess")) {
                if (training.terminal()) {
                    return Mono.just(alreadyApplied(training));
                }
                apply = repository.findPredictor(training.tenantId(), training.predictorId())
                        .flatMap(predictor -> Mono.fromCallable(() -> ExternalModels.read(callback.result(),
                                        predictor.problemType(), training.splitSeed(), codec.mapper()))
                                .subscribeOn(Schedulers.boundedElastic()))
                        .flatMap(model -> tx.transactional(startIfPending.then(executor.completeExternally(training, run, model))))
                        .thenReturn(new TrainApi.CallbackAnswer("accepted",
                                "The training result and its model are recorded; the model is active"));
                // the model is checked before any state changes: a bad upload leaves the training as it was
                return apply;
            } else {
                JsonNode metrics = callback.result().path("metrics");
                ObjectNode result = codec.mapper().createObjectNode();
                result.put("job_id", training.jobId());
                result.put("train_id", training.predictorId());
                result.set("metrics", metrics);
                apply = startIfPending.then(repository.completeExternally(training.id(),
                                metrics.isObject() ? metrics.toString() : "{}", callback.result().toString(), callback.preprocessId()))
                        .flatMap(applied -> applied
                                ? reporter.finished(run, RunStatus.COMPLETED, result, null)
                                .thenReturn(new TrainApi.CallbackAnswer("accepted", "The training result is recorded"))
                                : Mono.just(alreadyApplied(training)));
            }
            return tx.transactional(apply);
        });
    }

    @Override
    public Mono<TrainApi.CallbackAnswer> shapResult(String callbackToken, TrainApi.ShapCallback callback) {
        if (!callback.result().isObject()) {
            return Mono.error(Problems.invalidFields("The callback is invalid",
                    List.of(new Problems.FieldError("result", "must be an object of feature name to importance"))));
        }
        Map<String, Double> values = new LinkedHashMap<>();
        List<Problems.FieldError> errors = new ArrayList<>();
        callback.result().properties().forEach(entry -> {
            if (entry.getValue().isNumber()) {
                values.put(entry.getKey(), entry.getValue().asDouble());
            } else {
                errors.add(new Problems.FieldError("result." + entry.getKey(), "must be a number"));
            }
        });
        if (!errors.isEmpty()) {
            return Mono.error(Problems.invalidFields("The callback is invalid", errors));
        }
        return callbackTraining(callbackToken, callback.trainingId()).flatMap(training -> tx.transactional(
                optional(repository.findImportance(training.tenantId(), training.predictorId())).flatMap(existing -> {
                    String shares = json(values);
                    if (existing.isPresent() && existing.get().status().equals("completed")
                            && values.equals(doubles(existing.get().shares()))) {
                        return Mono.just(new TrainApi.CallbackAnswer("already-applied", "The same result was recorded before"));
                    }
                    return repository.upsertImportance(training.predictorId(), training.tenantId(), training.id(),
                                    existing.map(Rows.Importance::runId).orElse(null), "completed", shares, null, null, null)
                            .thenReturn(new TrainApi.CallbackAnswer("accepted", "The feature importance is recorded"));
                })));
    }

    /** The predictor's latest training, if the token is its run's callback token (401 otherwise, unknown ids too). */
    private Mono<Rows.Training> callbackTraining(String token, long trainId) {
        return repository.findPredictorAnyTenant(trainId)
                .flatMap(p -> repository.latestTraining(p.tenantId(), p.id()))
                .filter(training -> callbackTokens.matches(token, training.callbackTokenHash()))
                .switchIfEmpty(Mono.error(() -> Problems.of(HttpStatus.UNAUTHORIZED, "invalid-callback-token",
                        "Unauthorized", "The callback token does not match a run of this training")));
    }

    private static TrainApi.CallbackAnswer alreadyApplied(Rows.Training training) {
        return new TrainApi.CallbackAnswer("already-applied", "The training had already finished");
    }

    // ------------------------------------------------------------------ ray compatibility

    @Override
    public Mono<TrainApi.Terminated> terminate(Caller caller, String runId, String usage) {
        List<Problems.FieldError> errors = new ArrayList<>();
        if (runId == null || runId.isBlank()) {
            errors.add(new Problems.FieldError("ray_job_id", "is required"));
        }
        if (usage == null || usage.isBlank()) {
            errors.add(new Problems.FieldError("usage", "is required"));
        }
        if (!errors.isEmpty()) {
            return Mono.error(Problems.invalidFields("The request is invalid", errors));
        }
        return require(caller, TRAIN).then(Mono.defer(() -> executor.cancel(caller.tenant(), runId)))
                .map(outcome -> switch (outcome) {
                    case NOT_FOUND -> throw Problems.notFound("ray job", runId);
                    case ALREADY_FINISHED -> throw Problems.conflict("run-finished",
                            "The run '" + runId + "' has already finished");
                    case CANCELLED, REQUESTED -> new TrainApi.Terminated("success",
                            "Termination request for Ray job '" + runId + "' has been sent.");
                });
    }

    // ------------------------------------------------------------------ helpers

    /** Run ids come from a SecureRandom that reads the OS entropy source: not on an event loop. */
    static Mono<String> newRunId() {
        return Mono.fromCallable(RunIds::newRunId).subscribeOn(Schedulers.boundedElastic());
    }

    static boolean isActive(String status) {
        return status.equals("pending") || status.equals("running") || status.equals("paused");
    }

    private static Mono<Caller> require(Caller caller, String permission) {
        return caller.can(permission) ? Mono.just(caller)
                : Mono.error(Problems.forbidden("This operation needs the permission '" + permission + "'"));
    }

    private static Mono<Caller> requireAny(Caller caller, String... permissions) {
        for (String permission : permissions) {
            if (caller.can(permission)) {
                return Mono.just(caller);
            }
        }
        return Mono.error(Problems.forbidden("This operation needs one of the permissions " + String.join(", ", permissions)));
    }

    static <T> Mono<Optional<T>> optional(Mono<T> mono) {
        return mono.map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    private String json(Object value) {
        return codec.mapper().writeValueAsString(value);
    }

    private Map<String, Double> doubles(String json) {
        if (json == null || json.equals("null")) {
            return null;
        }
        return codec.mapper().readValue(json, DOUBLES);
    }

    private static String capitalize(String status) {
        return status.isEmpty() ? status : Character.toUpperCase(status.charAt(0)) + status.substring(1);
    }
}
