package io.runstream.inference.data;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

/** dataset-service's internal endpoints as batch prediction uses them. */
public interface DatasetClient {

    /** The dataset's rows as CSV with a header line, streamed. */
    Flux<DataBuffer> content(String tenant, long datasetId);

    /** Adds {@code file} as a new file of the dataset; answers dataset-service's description of it. */
    Mono<JsonNode> addFile(String tenant, long datasetId, String fileName, Path file);
}
