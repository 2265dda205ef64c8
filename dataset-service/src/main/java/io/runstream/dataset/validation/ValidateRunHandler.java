package io.runstream.dataset.validation;

import io.runstream.dataset.dataset.DatasetStore;
import io.runstream.dataset.dataset.FileRow;
import io.runstream.dataset.run.RunHandler;
import io.runstream.platform.run.RunRef;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Executes dataset/validate runs: validates the named files one after another, with progress by bytes read. */
@Component
class ValidateRunHandler implements RunHandler {

    private final DatasetStore datasets;
    private final ValidationService validation;

    ValidateRunHandler(DatasetStore datasets, ValidationService validation) {
        this.datasets = datasets;
        this.validation = validation;
    }

    @Override
    public String jobId() {
        return ValidationJobs.VALIDATE;
    }

    @Override
    public Mono<JsonNode> execute(RunRef run, JsonNode args, Progress progress) {
        return RunHandler.datasetId(args).flatMap(datasetId -> validate(run.tenant(), datasetId, args, progress));
    }

    private Mono<JsonNode> validate(String tenant, long datasetId, JsonNode args, Progress progress) {
        List<Long> ids = new ArrayList<>();
        args.path("file_ids").forEach(id -> ids.add(id.asLong()));
        Flux<FileRow> files = ids.isEmpty()
                ? datasets.files(tenant, datasetId).filter(file -> !file.validated())
                : datasets.files(tenant, ids).filter(file -> file.datasetId() == datasetId);
        return datasets.find(tenant, datasetId)
                .switchIfEmpty(Mono.error(() -> new RunFailure("not_found", "dataset " + datasetId + " does not exist")))
                .then(files.collectList())
                .flatMap(list -> {
                    if (list.isEmpty()) {
                        return Mono.error(new RunFailure("not_found", "no files to validate in dataset " + datasetId));
                    }
                    List<Long> fileIds = list.stream().map(FileRow::id).toList();
                    ObjectNode result = JsonNodeFactory.instance.objectNode();
                    result.put("dataset_id", datasetId);
                    var reports = result.putArray("files");
                    return datasets.markStatus(tenant, fileIds, FileRow.VALIDATING)
                            .thenMany(Flux.range(0, list.size()).concatMap(i -> {
                                FileRow file = list.get(i);
                                double base = (double) i / list.size();
                                return progress.checkpoint()
                                        .then(datasets.find(tenant, datasetId))
                                        .flatMap(dataset -> validation.validate(tenant, file, dataset.columns(), share ->
                                                progress.report(base + share / list.size(), "validating " + file.fileName())))
                                        .doOnNext(outcome -> {
                                            ObjectNode entry = reports.addObject();
                                            entry.put("file_id", file.id());
                                            entry.put("file_name", file.fileName());
                                            entry.put("total_records", outcome.totalRecords());
                                            entry.put("valid_records", outcome.validRecords());
                                            entry.put("is_valid", outcome.report().isValid());
                                            var reasons = entry.putObject("errors_by_reason");
                                            outcome.report().errorsByReason().forEach(reasons::put);
                                        });
                            }))
                            .then(datasets.find(tenant, datasetId))
                            .map(dataset -> {
                                result.put("is_valid", dataset.isValid());
                                result.put("dataset_usability", dataset.datasetUsability() == null ? 0 : dataset.datasetUsability());
                                return (JsonNode) result;
                            })
                            // files the run did not get to (cancelled, failed) must not stay "validating"
                            .onErrorResume(error -> datasets.files(tenant, fileIds)
                                    .filter(file -> FileRow.VALIDATING.equals(file.status()))
                                    .concatMap(file -> datasets.recordFailure(tenant, file, "not validated: " + error.getMessage()))
                                    .then(Mono.error(error)));
                });
    }
}
