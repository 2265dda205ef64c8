package io.runstream.dataset.upload;

import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.dataset.DatasetRow;
import io.runstream.dataset.dataset.DatasetStore;
import io.runstream.dataset.dataset.FileRow;
import io.runstream.dataset.dataset.FileView;
import io.runstream.dataset.dataset.ObjectPaths;
import io.runstream.dataset.dataset.Usages;
import io.runstream.dataset.run.RunLauncher;
import io.runstream.dataset.storage.FollowedWrite;
import io.runstream.dataset.storage.ObjectKeys;
import io.runstream.dataset.storage.ObjectStore;
import io.runstream.dataset.template.Template;
import io.runstream.dataset.template.TemplateService;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.EarlyValidations;
import io.runstream.dataset.validation.ValidationJobs;
import io.runstream.dataset.validation.ValidationService;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

@Service
class DefaultUploadService implements UploadService {

    private static final int MAX_NAME = 200;

    private final ObjectStore store;
    private final DatasetStore datasets;
    private final TemplateService templates;
    private final ValidationService validation;
    private final RunLauncher runs;
    private final TransactionalOperator tx;
    private final DatasetProperties properties;
    private final EarlyValidations early;

    DefaultUploadService(ObjectStore store, DatasetStore datasets, TemplateService templates, ValidationService validation,
                         RunLauncher runs, TransactionalOperator tx, DatasetProperties properties, EarlyValidations early) {
        this.early = early;
        this.store = store;
        this.datasets = datasets;
        this.templates = templates;
        this.validation = validation;
        this.runs = runs;
        this.tx = tx;
        this.properties = properties;
    }

    /** @param early its validation started while it arrived, or null */
    private record Staged(String key, String fileName, long size, EarlyValidations.Early early) {
    }

    /** @param runId the dataset/validate run that validates it, or null when it validated inline */
    private record Registered(long fileId, boolean viaRun, String runId) {
    }

    private record Created(long datasetId, List<Registered> files) {
    }

    @Override
    public Mono<UploadResult> createDataset(Caller caller, NewDataset request, Flux<IncomingFile> files) {
        String tenant = caller.tenant();
        String name = request.datasetName() == null ? "" : request.datasetName().trim();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return Mono.error(Problems.badRequest("dataset_name must have 1 to " + MAX_NAME + " characters"));
        }
        String usage = Usages.normalize(request.usage());
        if (usage == null) {
            return Mono.error(Problems.badRequest("usage must be one of t (training), p (prediction), f (forecasting)"));
        }
        String iceberg = request.icebergTableName() == null || request.icebergTableName().isBlank() ? null
                : request.icebergTableName().trim();
        Mono<Optional<List<ColumnSpec>>> template = request.templateId() == null ? Mono.just(Optional.empty())
                : templates.get(tenant, request.templateId()).map(Template::templateSchema).map(Optional::of);
        return template
                .flatMap(columns -> datasets.nameTaken(tenant, name).flatMap(taken -> taken
                        ? Mono.error(nameTaken(name))
                        : stage(tenant, files, columns.orElse(null)).flatMap(staged -> tx.transactional(
                                        datasets.insert(tenant, name, usage, request.templateId(), iceberg, columns.orElse(null),
                                                        user(caller))
                                                .flatMap(datasetId -> register(tenant, caller.userId(), datasetId, staged)
                                                        .map(registered -> new Created(datasetId, registered))))
                                .onErrorResume(error -> discard(tenant, staged).then(Mono.error(error))))))
                .onErrorMap(DataIntegrityViolationException.class, e -> nameTaken(name))
                .flatMap(created -> startRun(tenant, created.datasetId(), created.files())
                        .then(validateInline(tenant, created.datasetId(), created.files()))
                        .then(result(tenant, created.datasetId(), created.files())));
    }

    @Override
    public Mono<UploadResult> addFiles(Caller caller, long datasetId, Flux<IncomingFile> files) {
        String tenant = caller.tenant();
        return datasets.find(tenant, datasetId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("dataset", String.valueOf(datasetId))))
                .flatMap(dataset -> ingest(tenant, caller.userId(), dataset, files))
                .flatMap(registered -> result(tenant, datasetId, registered));
    }

    @Override
    public Mono<FileView> addResultFile(String tenant, long datasetId, String fileName, Flux<DataBuffer> content) {
        return datasets.find(tenant, datasetId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("dataset", String.valueOf(datasetId))))
                .flatMap(dataset -> ingest(tenant, "service", dataset, Flux.just(new IncomingFile(fileName, content))))
                .flatMap(registered -> datasets.file(tenant, registered.get(0).fileId()))
                .map(FileView::of);
    }

    private Mono<List<Registered>> ingest(String tenant, String owner, DatasetRow dataset, Flux<IncomingFile> files) {
        return stage(tenant, files, dataset.columns())
                .flatMap(staged -> tx.transactional(register(tenant, owner, dataset.id(), staged))
                        .onErrorResume(error -> discard(tenant, staged).then(Mono.error(error))))
                .flatMap(registered -> startRun(tenant, dataset.id(), registered)
                        .then(validateInline(tenant, dataset.id(), registered)).thenReturn(registered));
    }

    /**
     * Streams every file part into the tenant's staging area; refuses no files, empty and binary files. A file whose
     * columns are known now ({@code columns}, or inferred from the first file when null) starts validating while it
     * arrives; a failure stops those validations and removes what they wrote.
     */
    private Mono<List<Staged>> stage(String tenant, Flux<IncomingFile> files, List<ColumnSpec> columns) {
        List<String> keys = new CopyOnWriteArrayList<>();
        List<EarlyValidations.Early> started = new CopyOnWriteArrayList<>();
        long max = properties.upload().maxFileBytes();
        return files
                .index()
                .concatMap(indexed -> {
                    IncomingFile file = indexed.getT2();
                    String key = "staging/" + UUID.randomUUID();
                    keys.add(key);
                    String name = ObjectKeys.sanitizeFileName(file.fileName());
                    // without columns only the first file can start now: later ones validate against what it infers
                    FollowedWrite follower = columns != null || indexed.getT1() == 0 ? new FollowedWrite() : null;
                    EarlyValidations.Early validating = follower == null ? null : early.start(tenant, follower, columns);
                    if (validating != null) {
                        started.add(validating);
                    }
                    return store.write(tenant, key, file.content(), max, validating == null ? null : follower)
                            .flatMap(size -> checkText(tenant, key, name, size).thenReturn(new Staged(key, name, size, validating)));
                })
                .collectList()
                .flatMap(staged -> staged.isEmpty()
                        ? Mono.error(Problems.badRequest("No files: send one or more multipart parts named 'files'"))
                        : Mono.just(staged))
                .doOnCancel(() -> {
                    started.forEach(validating -> early.abandon(validating, "the upload was cancelled"));
                    Flux.fromIterable(keys).concatMap(key -> store.delete(tenant, key)).subscribe(null, error -> { });
                })
                .onErrorResume(error -> {
                    started.forEach(validating -> early.abandon(validating, String.valueOf(error.getMessage())));
                    return Flux.fromIterable(keys).concatMap(key -> store.delete(tenant, key)).then(Mono.error(error));
                });
    }

    private Mono<Void> checkText(String tenant, String key, String name, long size) {
        if (size == 0) {
            return Mono.error(Problems.badRequest("The file '" + name + "' is empty"));
        }
        return Mono.fromCallable(() -> {
                    try (InputStream in = store.openInput(tenant, key)) {
                        return Optional.ofNullable(CsvFiles.notTextReason(in));
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(reason -> reason.isPresent()
                        ? Mono.error(Problems.badRequest("The file '" + name + "' is not a CSV file: " + reason.get()))
                        : Mono.empty());
    }

    /** Inside the transaction: file rows, objects moved into place, and run.created for the large files. */
    private Mono<List<Registered>> register(String tenant, String owner, long datasetId, List<Staged> staged) {
        long inlineMax = properties.validation().inlineMaxBytes();
        boolean anyLarge = staged.stream().anyMatch(file -> file.size() > inlineMax);
        return (anyLarge ? RunLauncher.newRunId() : Mono.just(""))
                .flatMap(id -> register(tenant, owner, datasetId, staged, id.isEmpty() ? null : id));
    }

    private Mono<List<Registered>> register(String tenant, String owner, long datasetId, List<Staged> staged, String runId) {
        long inlineMax = properties.validation().inlineMaxBytes();
        return Flux.fromIterable(staged)
                .concatMap(file -> datasets.nextFileId().flatMap(fileId -> {
                    boolean viaRun = file.size() > inlineMax;
                    String rawKey = ObjectPaths.rawKey(datasetId, fileId, file.fileName());
                    if (file.early() != null) {
                        early.register(fileId, file.early());
                    }
                    return datasets.insertFile(tenant, fileId, datasetId, file.fileName(), rawKey,
                                    ObjectPaths.validatedKey(datasetId, fileId), file.size(),
                                    viaRun ? FileRow.PENDING : FileRow.VALIDATING, viaRun ? runId : null)
                            .then(store.move(tenant, file.key(), rawKey))
                            .thenReturn(new Registered(fileId, viaRun, viaRun ? runId : null));
                }))
                .collectList()
                .flatMap(registered -> {
                    if (runId == null) {
                        return Mono.just(registered);
                    }
                    List<Long> fileIds = registered.stream().filter(Registered::viaRun).map(Registered::fileId).toList();
                    return runs.create(runId, tenant, owner, ValidationJobs.VALIDATE, ValidationJobs.args(datasetId, fileIds))
                            .thenReturn(registered);
                })
                .onErrorResume(error -> store.deleteTree(tenant, ObjectPaths.datasetPrefix(datasetId) + "/files")
                        .onErrorResume(e -> Mono.empty())
                        .then(Mono.error(error)));
    }

    /** After commit: the run of the large files starts on this instance (see {@link RunLauncher#startHere}). */
    private Mono<Void> startRun(String tenant, long datasetId, List<Registered> registered) {
        List<Long> fileIds = registered.stream().filter(Registered::viaRun).map(Registered::fileId).toList();
        return fileIds.isEmpty() ? Mono.empty()
                : runs.startHere(registered.stream().filter(Registered::viaRun).findFirst().orElseThrow().runId(), tenant,
                        ValidationJobs.VALIDATE, ValidationJobs.args(datasetId, fileIds));
    }

    /** Small files validate before the answer; a failure is recorded on the file, not thrown at the client. */
    private Mono<Void> validateInline(String tenant, long datasetId, List<Registered> registered) {
        return Flux.fromIterable(registered)
                .filter(file -> !file.viaRun())
                .concatMap(file -> datasets.file(tenant, file.fileId())
                        .zipWith(datasets.find(tenant, datasetId))
                        .flatMap(found -> validation.validate(tenant, found.getT1(), found.getT2().columns(), progress -> {
                        }))
                        .onErrorResume(error -> Mono.empty()))
                .then();
    }

    private Mono<UploadResult> result(String tenant, long datasetId, List<Registered> registered) {
        Set<Long> ids = registered.stream().map(Registered::fileId).collect(Collectors.toSet());
        return datasets.find(tenant, datasetId)
                .zipWith(datasets.files(tenant, ids).map(FileView::of).collectList())
                .map(found -> new UploadResult(datasetId, found.getT1().datasetName(), found.getT1().dataSource(),
                        found.getT2(), found.getT2().stream().map(FileView::runId).filter(id -> id != null)
                        .findFirst().orElse(null)));
    }

    private Mono<Void> discard(String tenant, List<Staged> staged) {
        staged.stream().filter(file -> file.early() != null)
                .forEach(file -> early.abandon(file.early(), "the upload was not registered"));
        return Flux.fromIterable(staged).concatMap(file -> store.delete(tenant, file.key()).onErrorResume(e -> Mono.empty()))
                .then();
    }

    private static RuntimeException nameTaken(String name) {
        return Problems.conflict("dataset-name-taken", "A dataset named '" + name + "' already exists");
    }

    private static String user(Caller caller) {
        return caller.username() != null ? caller.username() : caller.userId();
    }
}
