package io.runstream.dataset.statistics;

import io.runstream.dataset.dataset.DatasetContent;
import io.runstream.dataset.run.RunLauncher;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

@Service
class DefaultStatisticsService implements StatisticsService {

    static final String JOB = "dataset/statistics";

    private final DatasetContent content;
    private final StatisticsStore statistics;
    private final RunLauncher runs;
    private final TransactionalOperator tx;

    DefaultStatisticsService(DatasetContent content, StatisticsStore statistics, RunLauncher runs, TransactionalOperator tx) {
        this.content = content;
        this.statistics = statistics;
        this.runs = runs;
        this.tx = tx;
    }

    @Override
    public Mono<String> generate(Caller caller, long datasetId) {
        String tenant = caller.tenant();
        return content.dataset(tenant, datasetId)
                .flatMap(dataset -> content.validatedFiles(tenant, dataset).hasElements())
                .flatMap(validated -> {
                    if (!validated) {
                        return Mono.error(Problems.conflict("dataset-not-validated",
                                "The dataset " + datasetId + " has no validated files yet"));
                    }
                    var args = JsonNodeFactory.instance.objectNode().put("dataset_id", datasetId);
                    return RunLauncher.newRunId().flatMap(runId -> tx.transactional(statistics.insert(tenant, datasetId, runId)
                            .then(runs.create(runId, tenant, caller.userId(), JOB, args))));
                });
    }

    @Override
    public Mono<DatasetStatistics> latest(String tenant, long datasetId) {
        return content.dataset(tenant, datasetId)
                .then(statistics.latest(tenant, datasetId))
                .switchIfEmpty(Mono.error(() -> Problems.of(org.springframework.http.HttpStatus.NOT_FOUND,
                        "statistics-not-found", "Statistics Not Found",
                        "No statistics for dataset " + datasetId + " yet; start them with POST /api/v1/dataset/generate_statistics")));
    }
}
