package io.runstream.training.data;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;

/** Where training reads datasets from: dataset-service in production, anything that serves CSV in tests. */
public interface TrainingDataSource {

    /** The dataset's validated rows as CSV with a header line, streamed. Errors with {@link DatasetUnavailableException}. */
    Flux<DataBuffer> content(String tenant, long datasetId);

    /** The dataset's columns with their types. */
    Mono<List<DatasetColumn>> schema(String tenant, long datasetId);

    record DatasetColumn(String columnName, String dataType) {
    }
}
