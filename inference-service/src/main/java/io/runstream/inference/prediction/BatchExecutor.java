package io.runstream.inference.prediction;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.runstream.inference.config.InferenceProperties;
import io.runstream.inference.data.DatasetClient;
import io.runstream.inference.data.DatasetException;
import io.runstream.inference.model.LoadedModel;
import io.runstream.inference.model.ModelCatalog;
import io.runstream.inference.model.ModelUnavailableException;
import io.runstream.model.Preprocessing;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes inference/batch runs on a bounded pool: downloads the dataset, predicts it in chunks,
 * writes the rows with their predictions as CSV and adds that file to the dataset at
 * dataset-service. Runs beyond the pool wait as pending.
 */
@Component
class BatchExecutor implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BatchExecutor.class);

    record Outcome(long records, Double accuracy, Double rmse, String fileId, String resultPath, String fileName) {
    }

    private final PredictionRepository repository;
    private final TransactionalOperator tx;
    private final RunReporter reporter;
    private final EventCodec codec;
    private final InferenceProperties properties;
    private final ModelCatalog catalog;
    private final DatasetClient datasets;
    private final Scheduler workers;
    private final Sinks.Many<String> queue = Sinks.many().unicast().onBackpressureBuffer();
    private final Disposable loop;

    BatchExecutor(PredictionRepository repository, TransactionalOperator tx, RunReporter reporter, EventCodec codec,
                  InferenceProperties properties, ModelCatalog catalog, DatasetClient datasets) {
        this.repository = repository;
        this.tx = tx;
        this.reporter = reporter;
        this.codec = codec;
        this.properties = properties;
        this.catalog = catalog;
        this.datasets = datasets;
        this.workers = Schedulers.newBoundedElastic(Math.max(1, properties.batchWorkers()), Integer.MAX_VALUE, "batch-worker");
        this.loop = queue.asFlux()
                .flatMap(runId -> execute(runId).onErrorResume(e -> {
                    log.error("batch run {} could not be executed", runId, e);
                    return Mono.empty();
                }), Math.max(1, properties.batchWorkers()))
                .subscribe();
    }

    synchronized void submit(String runId) {
        queue.emitNext(runId, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }

    @EventListener(ApplicationReadyEvent.class)
    void recoverPending() {
        repository.pending("batch").subscribe(row -> submit(row.runId()),
                e -> log.warn("could not recover pending batch runs: {}", e.toString()));
    }

    private Mono<Void> execute(String runId) {
        return repository.findByRun(runId).flatMap(row -> {
            RunRef run = new RunRef(runId, DefaultPredictionService.BATCH_JOB, row.tenantId(), 1);
            return tx.transactional(repository.claim(runId).flatMap(won -> won
                            ? reporter.started(run, DefaultPredictionService.EXECUTOR, properties.leaseSeconds()).thenReturn(true)
                            : Mono.just(false)))
                    .flatMap(won -> won ? run(row, run) : Mono.empty());
        });
    }

    private Mono<Void> run(PredictionRepository.Row row, RunRef run) {
        Path input = Path.of(System.getProperty("java.io.tmpdir"), "runstream-" + run.runId() + "-" + System.nanoTime() + "-in.csv");
        Path output = Path.of(System.getProperty("java.io.tmpdir"), "runstream-" + run.runId() + "-" + System.nanoTime() + "-out.csv");
        String fileName = "predictions_" + row.id() + ".csv";
        Disposable heartbeat = Flux.interval(properties.heartbeatInterval())
                .concatMap(t -> reporter.heartbeat(run, DefaultPredictionService.EXECUTOR, properties.leaseSeconds())
                        .onErrorResume(e -> Mono.empty()))
                .subscribe();
        String[] step = {null};
        Mono<Void> work = step(run, step, "load", catalog.get(row.tenantId(), row.trainId())
                        .flatMap(model -> DataBufferUtils.write(datasets.content(row.tenantId(), row.datasetId()), input)
                                .thenReturn(model)))
                .flatMap(model -> step(run, step, "predict", Mono.fromCallable(() -> predict(model, input, output))
                        .subscribeOn(workers)))
                .flatMap(outcome -> step(run, step, "store", datasets.addFile(row.tenantId(), row.datasetId(), fileName, output)
                        .map(answer -> stored(outcome, answer, row.datasetId(), fileName))))
                .flatMap(outcome -> complete(row, run, outcome));
        return work.onErrorResume(error -> fail(run, step[0], error))
                .doFinally(signal -> {
                    heartbeat.dispose();
                    Schedulers.boundedElastic().schedule(() -> {
                        try {
                            Files.deleteIfExists(input);
                            Files.deleteIfExists(output);
                        } catch (IOException ignored) {
                            // temp files
                        }
                    });
                });
    }

    /** Streams the input CSV and writes each row with its prediction (and class probabilities). */
    Outcome predict(LoadedModel model, Path input, Path output) throws IOException {
        Preprocessing pre = model.preprocessing();
        List<String> classes = pre.classes();
        int chunk = Math.max(1, properties.batchChunkRows());
        long records = 0;
        long labelled = 0;
        long correct = 0;
        double squaredError = 0;
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(input);
             CsvWriter writer = CsvWriter.builder().build(output)) {
            List<String> header = null;
            Map<String, Integer> index = new HashMap<>();
            int target = -1;
            List<String[]> rows = new ArrayList<>(chunk);
            for (CsvRecord record : reader) {
                if (header == null) {
                    header = record.getFields().stream().map(String::strip).toList();
                    for (int i = 0; i < header.size(); i++) {
                        index.put(header.get(i), i);
                    }
                    for (Preprocessing.Feature feature : pre.features()) {
                        if (!index.containsKey(feature.name())) {
                            throw new BatchException("missing-feature", "The dataset has no column '" + feature.name()
                                    + "', a feature of the model");
                        }
                    }
                    target = index.getOrDefault(pre.target(), -1);
                    List<String> out = new ArrayList<>(header);
                    out.add("prediction");
                    if (classes != null) {
                        classes.forEach(c -> out.add("probability_" + c));
                    }
                    writer.writeRecord(out);
                    continue;
                }
                if (record.getFieldCount() == 1 && record.getField(0).isBlank()) {
                    continue;
                }
                String[] row = new String[header.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = i < record.getFieldCount() ? record.getField(i) : "";
                }
                rows.add(row);
                if (rows.size() == chunk) {
                    long[] stats = flush(model, rows, index, target, writer);
                    records += rows.size();
                    labelled += stats[0];
                    correct += stats[1];
                    squaredError += Double.longBitsToDouble(stats[2]);
                    rows.clear();
                }
            }
            if (header == null) {
                throw new BatchException("empty-dataset", "The dataset has no header line");
            }
            if (!rows.isEmpty()) {
                long[] stats = flush(model, rows, index, target, writer);
                records += rows.size();
                labelled += stats[0];
                correct += stats[1];
                squaredError += Double.longBitsToDouble(stats[2]);
            }
        }
        Double accuracy = classes != null && labelled > 0 ? (double) correct / labelled : null;
        Double rmse = classes == null && labelled > 0 ? Math.sqrt(squaredError / labelled) : null;
        return new Outcome(records, accuracy, rmse, null, null, null);
    }

    /** Predicts one chunk; answers {labelled rows, correct rows, bits of the squared error sum}. */
    private static long[] flush(LoadedModel model, List<String[]> rows, Map<String, Integer> index, int target,
                                CsvWriter writer) {
        Preprocessing pre = model.preprocessing();
        int width = pre.width();
        float[] data = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            pre.encode(name -> {
                Integer col = index.get(name);
                return col == null ? null : row[col];
            }, data, i * width);
        }
        List<LoadedModel.Prediction> predictions = model.predict(data, rows.size());
        long labelled = 0;
        long correct = 0;
        double squaredError = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            LoadedModel.Prediction prediction = predictions.get(i);
            List<String> out = new ArrayList<>(List.of(row));
            out.add(String.valueOf(prediction.value()));
            if (prediction.probabilities() != null) {
                prediction.probabilities().values().forEach(p -> out.add(String.valueOf(p)));
            }
            writer.writeRecord(out);
            if (target >= 0) {
                float label = pre.label(row[target]);
                if (!Float.isNaN(label)) {
                    labelled++;
                    if (pre.classes() != null) {
                        correct += pre.classes().get((int) label).equals(prediction.value()) ? 1 : 0;
                    } else {
                        double error = ((Double) prediction.value()) - label;
                        squaredError += error * error;
                    }
                }
            }
        }
        return new long[]{labelled, correct, Double.doubleToLongBits(squaredError)};
    }

    private static Outcome stored(Outcome outcome, JsonNode answer, long datasetId, String fileName) {
        JsonNode id = answer.has("file_id") ? answer.get("file_id") : answer.path("id");
        String path = null;
        for (String field : List.of("result_path", "file_path", "path", "csv_file_path")) {
            if (answer.hasNonNull(field)) {
                path = answer.get(field).asString();
                break;
            }
        }
        return new Outcome(outcome.records(), outcome.accuracy(), outcome.rmse(),
                id.isMissingNode() || id.isNull() ? null : id.asString(),
                path != null ? path : "datasets/" + datasetId + "/files/" + fileName, fileName);
    }

    private Mono<Void> complete(PredictionRepository.Row row, RunRef run, Outcome outcome) {
        ObjectNode result = codec.mapper().createObjectNode();
        result.put("job_id", DefaultPredictionService.BATCH_JOB);
        result.put("prediction_id", row.id());
        result.put("train_id", row.trainId());
        result.put("dataset_id", row.datasetId());
        result.put("no_of_records", outcome.records());
        if (outcome.accuracy() != null) {
            result.put("accuracy", outcome.accuracy());
        }
        if (outcome.rmse() != null) {
            result.put("rmse", outcome.rmse());
        }
        result.put("file_id", outcome.fileId());
        result.put("result_path", outcome.resultPath());
        result.put("file_name", outcome.fileName());
        return tx.transactional(repository.complete(run.runId(), outcome.records(), outcome.accuracy(), outcome.fileId(),
                        outcome.resultPath(), result.toString())
                .flatMap(applied -> applied ? reporter.finished(run, RunStatus.COMPLETED, result, null) : Mono.empty()));
    }

    private <T> Mono<T> step(RunRef run, String[] current, String name, Mono<T> work) {
        return reporter.stepStarted(run, name, name)
                .then(Mono.fromRunnable(() -> current[0] = name))
                .then(work)
                .flatMap(value -> reporter.stepFinished(run, name, name, RunStatus.COMPLETED, null)
                        .then(Mono.fromRunnable(() -> current[0] = null))
                        .thenReturn(value));
    }

    private Mono<Void> fail(RunRef run, String step, Throwable error) {
        String code;
        String message = error.getMessage();
        if (error instanceof BatchException e) {
            code = e.code;
        } else if (error instanceof DatasetException e) {
            code = e.notFound() ? "dataset-not-found" : "dataset-unavailable";
        } else if (error instanceof ModelUnavailableException e) {
            code = "model-unavailable";
        } else if (error instanceof UncheckedIOException || error instanceof IOException) {
            code = "io-error";
        } else {
            log.error("batch run {} failed unexpectedly", run.runId(), error);
            code = "internal-error";
            message = error.toString();
        }
        RunEvents.RunError runError = new RunEvents.RunError(code, message);
        String reason = message;
        return tx.transactional(repository.finish(run.runId(), "failed", reason).flatMap(applied -> !applied ? Mono.<Void>empty()
                : (step == null ? Mono.<Void>empty() : reporter.stepFinished(run, step, step, RunStatus.FAILED, runError))
                .then(reporter.finished(run, RunStatus.FAILED, null, runError))));
    }

    static final class BatchException extends RuntimeException {
        final String code;

        BatchException(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Override
    public void destroy() {
        loop.dispose();
        workers.dispose();
    }
}
