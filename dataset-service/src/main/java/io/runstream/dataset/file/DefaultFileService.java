package io.runstream.dataset.file;

import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.dataset.DatasetStore;
import io.runstream.dataset.dataset.FileRow;
import io.runstream.dataset.dataset.FileView;
import io.runstream.dataset.dataset.ObjectPaths;
import io.runstream.dataset.storage.ObjectStore;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

@Service
class DefaultFileService implements FileService {

    /** A preview line longer than this is cut (a single field may be megabytes long). */
    private static final int MAX_LINE_CHARS = 2000;

    private final DatasetStore datasets;
    private final ObjectStore store;
    private final DatasetProperties properties;

    DefaultFileService(DatasetStore datasets, ObjectStore store, DatasetProperties properties) {
        this.datasets = datasets;
        this.store = store;
        this.properties = properties;
    }

    @Override
    public Mono<FileViews.Page> list(String tenant, long datasetId) {
        return datasets.find(tenant, datasetId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("dataset", String.valueOf(datasetId))))
                .thenMany(datasets.files(tenant, datasetId))
                .map(FileView::of).collectList()
                .map(files -> new FileViews.Page(files.size(), files));
    }

    @Override
    public Mono<FileViews.Content> view(String tenant, long fileId, Integer requested) {
        int lines = requested == null ? properties.validation().previewRows() + 1 : requested;
        if (lines < 1 || lines > 1000) {
            return Mono.error(Problems.badRequest("lines must be between 1 and 1000"));
        }
        return file(tenant, fileId).flatMap(file -> Mono.fromCallable(() -> {
            try (InputStream in = store.openInput(tenant, file.rawKey())) {
                return new FileViews.Content(fileId, firstLines(in, lines));
            }
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Mono<FileViews.Detail> get(String tenant, long fileId) {
        return file(tenant, fileId).map(file -> {
            FileView view = FileView.of(file);
            return new FileViews.Detail(view.datasetId(), view.id(), view.fileName(), view.createdAt(), view.modifiedAt(),
                    view.totalFields(), view.totalRecords(), view.errorReport(), view.validationStatus(),
                    view.validRecords(), view.isValid(), view.sizeBytes(), view.runId(),
                    ObjectPaths.publicPath(tenant, file.rawKey()),
                    file.validated() ? ObjectPaths.publicPath(tenant, file.validatedKey()) : null, null, file.columns());
        });
    }

    @Override
    public Mono<Void> delete(Caller caller, long fileId) {
        String tenant = caller.tenant();
        return file(tenant, fileId)
                .flatMap(file -> datasets.deleteFile(tenant, fileId)
                        .then(datasets.refresh(tenant, file.datasetId()))
                        .then(store.deleteTree(tenant, ObjectPaths.filePrefix(file.datasetId(), fileId))));
    }

    @Override
    public Mono<FileViews.Download> download(String tenant, long fileId) {
        return file(tenant, fileId).flatMap(file -> stream(tenant, file.rawKey(), file.fileName()));
    }

    @Override
    public Mono<FileViews.Download> downloadByPath(String tenant, String filePath) {
        String key = ObjectPaths.keyOf(tenant, filePath);
        if (key == null) {
            return Mono.error(Problems.notFound("file", String.valueOf(filePath)));
        }
        return datasets.fileByKey(tenant, key)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("file", filePath)))
                .flatMap(file -> stream(tenant, key, key.equals(file.rawKey()) ? file.fileName()
                        : file.fileName().replaceAll("(\\.csv)?$", ".validated.csv")));
    }

    private Mono<FileViews.Download> stream(String tenant, String key, String name) {
        return store.size(tenant, key)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("file", name)))
                .map(size -> new FileViews.Download(name, size, store.read(tenant, key)));
    }

    private Mono<FileRow> file(String tenant, long fileId) {
        return datasets.file(tenant, fileId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("file", String.valueOf(fileId))));
    }

    /** The first lines of a text file, each cut at {@link #MAX_LINE_CHARS}; a leading BOM is dropped. */
    static List<String> firstLines(InputStream in, int count) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        boolean truncated = false;
        int c;
        while (lines.size() < count && (c = reader.read()) != -1) {
            if (c == '\n') {
                lines.add(finish(line, truncated, lines.isEmpty()));
                line.setLength(0);
                truncated = false;
            } else if (line.length() < MAX_LINE_CHARS) {
                line.append((char) c);
            } else {
                truncated = true;
            }
        }
        if (lines.size() < count && (!line.isEmpty() || truncated)) {
            lines.add(finish(line, truncated, lines.isEmpty()));
        }
        return lines;
    }

    private static String finish(StringBuilder line, boolean truncated, boolean first) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        String text = line.substring(first && end > 0 && line.charAt(0) == '\uFEFF' ? 1 : 0, end);
        return truncated ? text + "…" : text;
    }
}
