package io.runstream.dataset.internal;

import io.runstream.dataset.dataset.FileView;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What other services may ask of a tenant's datasets (service callers only, tenant given explicitly). */
public interface InternalDatasetService {

    /** The validated rows as one CSV with a header; a 404 problem for an unknown dataset. */
    Mono<Flux<DataBuffer>> content(String tenant, long datasetId);

    Mono<InternalViews.Schema> schema(String tenant, long datasetId);

    Mono<FileView> addFile(String tenant, long datasetId, String fileName, Flux<DataBuffer> content);
}
