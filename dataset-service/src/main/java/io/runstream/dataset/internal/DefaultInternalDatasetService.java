package io.runstream.dataset.internal;

import io.runstream.dataset.dataset.DatasetContent;
import io.runstream.dataset.dataset.FileRow;
import io.runstream.dataset.dataset.FileView;
import io.runstream.dataset.upload.UploadService;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Service
class DefaultInternalDatasetService implements InternalDatasetService {

    private final DatasetContent content;
    private final UploadService uploads;

    DefaultInternalDatasetService(DatasetContent content, UploadService uploads) {
        this.content = content;
        this.uploads = uploads;
    }

    @Override
    public Mono<Flux<DataBuffer>> content(String tenant, long datasetId) {
        return content.dataset(tenant, datasetId).map(dataset -> content.csv(tenant, dataset));
    }

    @Override
    public Mono<InternalViews.Schema> schema(String tenant, long datasetId) {
        return content.dataset(tenant, datasetId).flatMap(dataset -> content.validatedFiles(tenant, dataset)
                .map(FileRow::validRecords).filter(n -> n != null).reduce(0L, Long::sum)
                .map(total -> new InternalViews.Schema(dataset.id(), dataset.datasetName(), dataset.usage(),
                        dataset.isValid(), dataset.datasetUsability(), total, dataset.columns())));
    }

    @Override
    public Mono<FileView> addFile(String tenant, long datasetId, String fileName, Flux<DataBuffer> body) {
        return uploads.addResultFile(tenant, datasetId, fileName, body);
    }
}
