package io.runstream.dataset.statistics;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

/** Statistics of a dataset's validated rows, computed by a dataset/statistics run. */
public interface StatisticsService {

    /** Starts a run; answers its id. 404 for an unknown dataset, 409 when it has no validated rows yet. */
    Mono<String> generate(Caller caller, long datasetId);

    /** The latest statistics (or the state of the run computing them); 404 when never generated. */
    Mono<DatasetStatistics> latest(String tenant, long datasetId);
}
