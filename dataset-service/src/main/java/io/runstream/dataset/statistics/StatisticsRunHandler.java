package io.runstream.dataset.statistics;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.dataset.DatasetContent;
import io.runstream.dataset.dataset.DatasetRow;
import io.runstream.dataset.dataset.FileRow;
import io.runstream.dataset.run.RunHandler;
import io.runstream.dataset.storage.ObjectStore;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.platform.run.RunRef;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.io.InputStream;
import java.util.Iterator;
import java.util.List;

/** Executes dataset/statistics runs: one streaming pass over the validated rows. */
@Component
class StatisticsRunHandler implements RunHandler {

    private final DatasetContent content;
    private final StatisticsStore statistics;
    private final ObjectStore store;
    private final DatasetProperties properties;

    StatisticsRunHandler(DatasetContent content, StatisticsStore statistics, ObjectStore store, DatasetProperties properties) {
        this.content = content;
        this.statistics = statistics;
        this.store = store;
        this.properties = properties;
    }

    @Override
    public String jobId() {
        return DefaultStatisticsService.JOB;
    }

    @Override
    public Mono<JsonNode> execute(RunRef run, JsonNode args, Progress progress) {
        return RunHandler.datasetId(args).flatMap(datasetId -> statistics(run, datasetId, progress));
    }

    private Mono<JsonNode> statistics(RunRef run, long datasetId, Progress progress) {
        String tenant = run.tenant();
        return content.dataset(tenant, datasetId)
                .onErrorMap(e -> new RunFailure("not_found", "dataset " + datasetId + " does not exist"))
                .flatMap(dataset -> statistics.insert(tenant, datasetId, run.runId())
                        .then(statistics.running(tenant, run.runId()))
                        .then(content.validatedFiles(tenant, dataset).collectList())
                        .flatMap(files -> Mono.fromCallable(() -> compute(tenant, dataset, files, progress))
                                .subscribeOn(Schedulers.boundedElastic()))
                        .flatMap(result -> statistics.completed(tenant, run.runId(), result.totalRows(), result.columns())
                                .thenReturn((JsonNode) JsonNodeFactory.instance.objectNode()
                                        .put("dataset_id", datasetId)
                                        .put("total_rows", result.totalRows())
                                        .put("columns", result.columns().size())))
                        .onErrorResume(error -> statistics.failed(tenant, run.runId(), error.getMessage())
                                .then(Mono.error(error))));
    }

    private StatisticsStore.Result compute(String tenant, DatasetRow dataset, List<FileRow> files, Progress progress)
            throws Exception {
        List<ColumnSpec> columns = dataset.columns() == null ? List.of() : dataset.columns();
        ColumnAccumulator[] accumulators = columns.stream()
                .map(column -> new ColumnAccumulator(column, properties.statistics()))
                .toArray(ColumnAccumulator[]::new);
        long totalBytes = Math.max(1, files.stream().mapToLong(FileRow::sizeBytes).sum());
        long doneBytes = 0;
        long rows = 0;
        for (FileRow file : files) {
            try (InputStream in = store.openInput(tenant, file.validatedKey());
                 CsvReader<CsvRecord> reader = CsvFiles.reader(in, properties.validation().maxFieldChars())) {
                Iterator<CsvRecord> records = reader.iterator();
                if (records.hasNext()) {
                    records.next();
                }
                long fileRows = 0;
                long expected = file.validRecords() == null ? 0 : file.validRecords();
                while (records.hasNext()) {
                    CsvRecord record = records.next();
                    for (int c = 0; c < accumulators.length; c++) {
                        accumulators[c].accept(c < record.getFieldCount() ? record.getField(c) : "");
                    }
                    rows++;
                    if (++fileRows % 20_000 == 0 && expected > 0) {
                        double share = Math.min(1.0, (double) fileRows / expected);
                        progress.report((doneBytes + share * file.sizeBytes()) / totalBytes, rows + " rows read");
                    }
                }
            }
            doneBytes += file.sizeBytes();
            progress.report((double) doneBytes / totalBytes, rows + " rows read");
        }
        return new StatisticsStore.Result(rows, java.util.Arrays.stream(accumulators).map(ColumnAccumulator::result).toList());
    }
}
