package io.runstream.inference.prediction;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.inference.data.DatasetClient;
import io.runstream.inference.data.DatasetException;
import io.runstream.inference.model.FeatureEncoder;
import io.runstream.model.ForecastConfig;
import io.runstream.model.Forecaster;
import io.runstream.inference.model.LoadedModel;
import io.runstream.inference.model.ModelCatalog;
import io.runstream.inference.model.ModelUnavailableException;
import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunIds;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Service
class DefaultPredictionService implements PredictionService {

    static final String EXECUTOR = "inference-service";
    static final String BATCH_JOB = "inference/batch";
    static final String PREDICT = "can_predict";
    static final String READ = "models:read";
    /** How long a listing waits for this replica's queued log entries before reading what is stored. */
    static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    private final ModelCatalog catalog;
    private final PredictionRepository repository;
    private final PredictionIds ids;
    private final PredictionLog predictionLog;
    private final TransactionalOperator tx;
    private final RunReporter reporter;
    private final EventCodec codec;
    private final InferenceProperties properties;
    private final DatasetClient datasets;

    DefaultPredictionService(ModelCatalog catalog, PredictionRepository repository, PredictionIds ids,
                             PredictionLog predictionLog, TransactionalOperator tx, RunReporter reporter, EventCodec codec,
                             InferenceProperties properties, DatasetClient datasets) {
        this.datasets = datasets;
        this.catalog = catalog;
        this.repository = repository;
        this.ids = ids;
        this.predictionLog = predictionLog;
        this.tx = tx;
        this.reporter = reporter;
        this.codec = codec;
        this.properties = properties;
    }

    // ------------------------------------------------------------------ real time

    @Override
    public Mono<PredictionApi.PredictResponse> predict(Caller caller, PredictionApi.PredictRequest request,
                                                       String workloadId, String clientId) {
        long started = System.nanoTime();
        return require(caller, PREDICT).then(model(caller.tenant(), request.trainId())).flatMap(model -> {
            if (model.type() == ProblemType.FORECAST) {
                return Mono.error(field("train_id", "is a Forecast model; use POST /api/v1/inference/forecast"));
            }
            checkPreprocess(model, request.preprocessId());
            if (!model.preprocessing().target().equals(request.target())) {
                return Mono.error(field("target", "the model predicts '" + model.preprocessing().target() + "'"));
            }
            if (!request.features().isObject()) {
                return Mono.error(field("features", "must be an object of feature name to value"));
            }
            String input = request.features().toString();
            String workload = request.workloadId() != null ? request.workloadId() : workloadId;
            String client = request.clientId() != null ? request.clientId() : clientId;
            checkStorable(request.features(), input, workload, client);
            float[] row = FeatureEncoder.encode(model.preprocessing(), request.features());
            LoadedModel.Prediction prediction = model.predict(row, 1).get(0);
            double latencyMs = (System.nanoTime() - started) / 1e6;
            ObjectNode output = output(prediction);
            PredictionRepository.NewPrediction logged = new PredictionRepository.NewPrediction(caller.tenant(),
                    model.trainId(), model.version(), model.preprocessId(), model.predictorName(), model.problemType(),
                    model.domain(), "realtime", "completed", input, output.toString(), latencyMs, workload, client, null,
                    null, caller.username());
            return log(logged).map(id -> new PredictionApi.PredictResponse(id, model.trainId(), model.version(),
                    model.preprocessId(), model.preprocessing().target(), prediction.value(), prediction.probabilities(),
                    latencyMs));
        });
    }

    /**
     * The logged output, built node by node: {@code valueToTree} (a serialization into a token buffer, then a
     * parse) was a measurable share of a real-time prediction's allocations. Same JSON.
     */
    private ObjectNode output(LoadedModel.Prediction prediction) {
        ObjectNode output = codec.mapper().createObjectNode();
        if (prediction.value() instanceof String label) {
            output.put("prediction", label);
        } else if (prediction.value() instanceof Double value) {
            output.put("prediction", value.doubleValue());
        } else {
            output.set("prediction", codec.mapper().valueToTree(prediction.value()));
        }
        if (prediction.probabilities() != null) {
            ObjectNode probabilities = output.putObject("probabilities");
            prediction.probabilities().forEach((label, p) -> {
                if (p == null) {
                    probabilities.putNull(label);
                } else {
                    probabilities.put(label, p.doubleValue());
                }
            });
        }
        return output;
    }

    @Override
    public Mono<PredictionApi.Form> form(Caller caller, long trainId) {
        return requireAny(caller, PREDICT, READ).then(model(caller.tenant(), trainId)).map(model -> {
            List<PredictionApi.FormField> headers = new ArrayList<>();
            Preprocessing pre = model.preprocessing();
            for (Preprocessing.Feature feature : pre.features()) {
                headers.add(new PredictionApi.FormField(feature.name(), feature.dataType(), feature.defaultValue()));
            }
            return new PredictionApi.Form(trainId, headers, pre.target(), model.preprocessId(), model.version(),
                    model.problemType());
        });
    }

    @Override
    public Mono<PredictionApi.PredictionList> predictions(Caller caller, PredictionQuery query) {
        String tenant = caller.tenant();
        // the count and the page run side by side, each on its own connection
        return requireAny(caller, PREDICT, READ)
                .then(predictionLog.flushed().timeout(FLUSH_WAIT, Mono.empty()))
                .then(Mono.zip(repository.count(tenant, query), repository.page(tenant, query).collectList()))
                .map(found -> {
                    List<PredictionRepository.Row> rows = found.getT2();
                    boolean more = rows.size() > query.limit();
                    List<PredictionApi.PredictionItem> items = new ArrayList<>(Math.min(rows.size(), query.limit()));
                    for (PredictionRepository.Row row : more ? rows.subList(0, query.limit()) : rows) {
                        items.add(item(row));
                    }
                    String next = more ? String.valueOf(items.get(items.size() - 1).predictionId()) : null;
                    return new PredictionApi.PredictionList(found.getT1(), query.limit(), query.offset(), next, items);
                });
    }

    private PredictionApi.PredictionItem item(PredictionRepository.Row row) {
        JsonNode input = row.input() == null ? null : codec.mapper().readTree(row.input());
        JsonNode output = row.output() == null ? null : codec.mapper().readTree(row.output());
        String inputData = row.predictionType().equals("batch") ? "dataset_id:" + row.datasetId()
                : row.input();
        return new PredictionApi.PredictionItem(row.id(), row.trainId(), row.createdAt(), row.datasetId(),
                row.predictorName(), row.predictionType(), inputData, row.status(), row.noOfRecords(), row.accuracy(),
                row.problemType(), row.domain(), row.modelVersion(), row.preprocessId(), input, output, row.latencyMs(),
                row.workloadId(), row.clientId(), row.runId(), row.errorMessage());
    }

    // ------------------------------------------------------------------ batch

    @Override
    public Mono<PredictionApi.BatchSubmitted> submitBatch(Caller caller, PredictionApi.BatchRequest request) {
        return require(caller, PREDICT).then(model(caller.tenant(), request.trainId())).flatMap(model -> {
            if (model.type() == ProblemType.FORECAST) {
                return Mono.error(field("train_id", "is a Forecast model; batch prediction needs a tabular model"));
            }
            return newRunId().flatMap(runId -> {
                ObjectNode args = codec.mapper().createObjectNode();
                args.put("train_id", request.trainId());
                args.put("dataset_id", request.datasetId());
                ObjectNode input = args.deepCopy();
                return tx.transactional(repository.insert(new PredictionRepository.NewPrediction(caller.tenant(),
                                model.trainId(), model.version(), model.preprocessId(), model.predictorName(),
                                model.problemType(), model.domain(), "batch", "pending", input.toString(), null, null, null,
                                null, request.datasetId(), runId, caller.username()))
                        .flatMap(id -> {
                            args.put("prediction_id", id);
                            return reporter.created(caller.tenant(), new RunEvents.RunCreated(runId, BATCH_JOB, EXECUTOR,
                                            caller.userId(), null, args, 0, List.of("inference", "batch"), null, 1, Instant.now()))
                                    .thenReturn(new PredictionApi.BatchSubmitted(id, runId, "pending", request.trainId(),
                                            request.datasetId()));
                        }));
            });
        });
    }

    @Override
    public Mono<PredictionApi.BatchResult> result(Caller caller, long predictionId) {
        return requireAny(caller, PREDICT, READ).then(repository.find(caller.tenant(), predictionId))
                .filter(row -> row.predictionType().equals("batch"))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("prediction", String.valueOf(predictionId))))
                .map(row -> new PredictionApi.BatchResult(row.status(), row.resultPath(), fileId(row.fileId()),
                        row.datasetId(), row.id(), row.runId(), row.noOfRecords(), row.accuracy(), row.errorMessage()));
    }

    private static Object fileId(String fileId) {
        if (fileId == null) {
            return null;
        }
        try {
            return Long.parseLong(fileId);
        } catch (NumberFormatException e) {
            return fileId;
        }
    }

    // ------------------------------------------------------------------ forecast

    @Override
    public Mono<PredictionApi.ForecastResponse> forecast(Caller caller, PredictionApi.ForecastRequest request,
                                                         String workloadId, String clientId) {
        long started = System.nanoTime();
        return require(caller, PREDICT).then(model(caller.tenant(), request.trainId())).flatMap(model -> {
            ForecastConfig config = model.preprocessing().forecast();
            if (config == null) {
                return Mono.error(field("train_id", "is not a Forecast model"));
            }
            checkPreprocess(model, request.preprocessId());
            if (!sameFrequency(config.frequency(), request.frequency())) {
                return Mono.error(field("frequency", "the model was trained on " + config.frequency() + " data"));
            }
            if (request.steps() > properties.maxForecastSteps()) {
                return Mono.error(field("steps", "must be at most " + properties.maxForecastSteps()));
            }
            String workload = request.workloadId() != null ? request.workloadId() : workloadId;
            String client = request.clientId() != null ? request.clientId() : clientId;
            checkStorable(codec.mapper().nullNode(), "", workload, client);
            Mono<ForecastConfig.SeriesTail> history;
            if (request.datasetId() != null) {
                history = datasetHistory(caller.tenant(), request.datasetId(), config, model.preprocessing().target(),
                        request.uniqueId());
            } else {
                ForecastConfig.SeriesTail tail = config.history().get(config.seriesColumn() == null ? "" : request.uniqueId());
                if (tail == null) {
                    return Mono.error(field("unique_id", "is not a series of this model"));
                }
                history = Mono.just(tail);
            }
            return history.publishOn(Schedulers.parallel())
                    .map(tail -> points(model, config, tail, request.steps()))
                    .flatMap(points -> {
                        double latencyMs = (System.nanoTime() - started) / 1e6;
                        return log(new PredictionRepository.NewPrediction(caller.tenant(), model.trainId(),
                                        model.version(), model.preprocessId(), model.predictorName(), model.problemType(),
                                        model.domain(), "forecast", "completed",
                                        codec.mapper().valueToTree(request).toString(),
                                        codec.mapper().valueToTree(Map.of("forecast", points)).toString(), latencyMs,
                                        workload, client, request.datasetId(), null, caller.username()))
                                .map(id -> new PredictionApi.ForecastResponse(points, model.trainId(), model.version(),
                                        request.uniqueId(), config.frequency(), id));
                    });
        });
    }

    /**
     * The series' latest points read from the dataset through dataset-service's internal content
     * endpoint (as the caller's tenant: another tenant's dataset is not found), parsed off the event loop.
     */
    private Mono<ForecastConfig.SeriesTail> datasetHistory(String tenant, long datasetId, ForecastConfig config,
                                                           String target, String uniqueId) {
        return Mono.fromCallable(() -> {
                    try (Reader csv = new InputStreamReader(DataBufferUtils.subscriberInputStream(
                            datasets.content(tenant, datasetId), 16), StandardCharsets.UTF_8)) {
                        return ForecastHistory.read(csv, config, target, uniqueId, datasetId);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> datasetFailure(e) != null, e -> datasetFailure(e).notFound()
                        ? Problems.with(Problems.notFound("dataset", String.valueOf(datasetId)),
                        Map.of("errors", List.of(new Problems.FieldError("dataset_id", "does not exist"))))
                        : Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "dataset-unavailable", "Service Unavailable",
                        datasetFailure(e).getMessage()));
    }

    private static DatasetException datasetFailure(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof DatasetException dataset) {
                return dataset;
            }
        }
        return null;
    }

    private static List<PredictionApi.ForecastPoint> points(LoadedModel model, ForecastConfig config,
                                                            ForecastConfig.SeriesTail tail, int steps) {
        LocalDateTime last = LocalDateTime.parse(tail.lastTime());
        List<Double> values;
        try {
            values = Forecaster.forecast(model.booster(), config, tail.values(), last, steps);
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to forecast: " + e.getMessage(), e);
        }
        List<Double> widths = config.intervalHalfWidths();
        List<PredictionApi.ForecastPoint> points = new ArrayList<>();
        LocalDateTime time = last;
        for (int h = 1; h <= steps; h++) {
            time = config.next(time);
            double width = widths.isEmpty() ? 0 : h <= widths.size() ? widths.get(h - 1)
                    : widths.get(widths.size() - 1) * Math.sqrt((double) h / widths.size());
            double value = values.get(h - 1);
            String date = time.toLocalTime().equals(LocalTime.MIDNIGHT) ? time.toLocalDate().toString() : time.toString();
            points.add(new PredictionApi.ForecastPoint(date, value, config.confidence(), value - width, value + width));
        }
        return points;
    }

    private static boolean sameFrequency(String model, String requested) {
        return canonical(model).equals(canonical(requested));
    }

    private static String canonical(String frequency) {
        return switch (frequency.strip().toLowerCase(Locale.ROOT)) {
            case "h", "hour", "hourly" -> "hour";
            case "d", "day", "daily" -> "day";
            case "w", "week", "weekly" -> "week";
            case "m", "month", "monthly" -> "month";
            default -> frequency.strip().toLowerCase(Locale.ROOT);
        };
    }

    // ------------------------------------------------------------------ helpers

    private Mono<LoadedModel> model(String tenant, long trainId) {
        return catalog.get(tenant, trainId).onErrorMap(ModelUnavailableException.class, e -> switch (e.reason()) {
            case NOT_FOUND -> Problems.notFound("train", String.valueOf(trainId));
            case NOT_TRAINED -> Problems.with(Problems.conflict("model-not-trained",
                            "The train '" + trainId + "' has no trained model yet"),
                    Map.of("errors", List.of(new Problems.FieldError("train_id", "has no trained model yet")),
                            "training_status", e.trainingStatus() == null ? "unknown" : e.trainingStatus()));
            case UNAVAILABLE -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "model-unavailable", "Service Unavailable",
                    e.getMessage());
        });
    }

    private static void checkPreprocess(LoadedModel model, Long preprocessId) {
        if (preprocessId != null && preprocessId != model.preprocessId()) {
            throw Problems.invalidFields("The preprocess_id does not match the model", List.of(new Problems.FieldError(
                    "preprocess_id", "the model (version " + model.version() + ") uses preprocess " + model.preprocessId())));
        }
    }

    /** Reserves the prediction's id and queues its log entry (written asynchronously, see {@link PredictionLog}). */
    private Mono<Long> log(PredictionRepository.NewPrediction prediction) {
        Instant at = Instant.now();
        return ids.next().flatMap(id -> predictionLog.append(new PredictionRepository.LogEntry(id, at, prediction))
                .thenReturn(id));
    }

    /** PostgreSQL cannot store the NUL character in text or jsonb: refused up front rather than lost from the log. */
    private static void checkStorable(JsonNode features, String text, String workloadId, String clientId) {
        List<Problems.FieldError> errors = new ArrayList<>();
        if (text.contains("\\u0000") && containsNul(features)) {
            errors.add(new Problems.FieldError("features", "must not contain the NUL character (\\u0000)"));
        }
        if (workloadId != null && workloadId.indexOf('\0') >= 0) {
            errors.add(new Problems.FieldError("workload_id", "must not contain the NUL character"));
        }
        if (clientId != null && clientId.indexOf('\0') >= 0) {
            errors.add(new Problems.FieldError("client_id", "must not contain the NUL character"));
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("The request is invalid", errors);
        }
    }

    private static boolean containsNul(JsonNode node) {
        if (node.isString()) {
            return node.asString().indexOf('\0') >= 0;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (entry.getKey().indexOf('\0') >= 0 || containsNul(entry.getValue())) {
                return true;
            }
        }
        for (JsonNode element : node.isArray() ? node.values() : List.<JsonNode>of()) {
            if (containsNul(element)) {
                return true;
            }
        }
        return false;
    }

    static Mono<String> newRunId() {
        return Mono.fromCallable(RunIds::newRunId).subscribeOn(Schedulers.boundedElastic());
    }

    private static RuntimeException field(String field, String message) {
        return Problems.invalidFields("The request is invalid", List.of(new Problems.FieldError(field, message)));
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

}
