package io.runstream.dataset.dataset;

import io.runstream.dataset.storage.ObjectStore;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.util.List;

@Service
class DefaultDatasetService implements DatasetService {

    private final DatasetStore datasets;
    private final DatasetContent content;
    private final ObjectStore store;
    private final DatasetUsage usage;
    private final io.runstream.dataset.DatasetProperties properties;

    DefaultDatasetService(DatasetStore datasets, DatasetContent content, ObjectStore store, DatasetUsage usage,
                          io.runstream.dataset.DatasetProperties properties) {
        this.properties = properties;
        this.datasets = datasets;
        this.content = content;
        this.store = store;
        this.usage = usage;
    }

    @Override
    public Mono<DatasetViews.Page> list(Caller caller) {
        return datasets.list(caller.tenant(), false).map(DatasetViews.Summary::of).collectList()
                .map(data -> new DatasetViews.Page(data.size(), data));
    }

    @Override
    public Mono<List<DatasetViews.Validated>> listValidated(Caller caller) {
        return datasets.list(caller.tenant(), true)
                .map(d -> new DatasetViews.Validated(d.tenantId(), d.datasetName(), d.fileCount(), d.isValid(),
                        d.createdBy(), d.templateId(), d.id()))
                .collectList();
    }

    @Override
    public Mono<DatasetViews.Detail> get(String tenant, long id) {
        return content.dataset(tenant, id).zipWith(usage.runsUsing(tenant, id)).map(found -> {
            DatasetRow d = found.getT1();
            String path = ObjectPaths.publicPath(tenant, ObjectPaths.datasetPrefix(d.id()));
            return new DatasetViews.Detail(d.id(), d.datasetName(), path, path + "/files", d.icebergTableName(),
                    d.dataSource(), d.templateId(), d.templateName(), d.usage(), Usages.label(d.usage()), d.isValid(),
                    DatasetViews.percent(d.datasetUsability()), d.fileCount(), d.columns(), d.createdAt(), d.modifiedAt(),
                    found.getT2());
        });
    }

    @Override
    public Mono<DatasetViews.Preview> view(String tenant, long id, Integer requested) {
        int limit = requested == null ? properties.validation().previewRows() : requested;
        if (limit < 1 || limit > 1000) {
            return Mono.error(Problems.badRequest("limit must be between 1 and 1000"));
        }
        return content.dataset(tenant, id).flatMap(dataset -> content.preview(tenant, dataset, limit)
                .map(rows -> new DatasetViews.Preview(id, dataset.columns(), rows)));
    }

    @Override
    public Mono<Void> delete(Caller caller, long id) {
        String tenant = caller.tenant();
        return content.dataset(tenant, id)
                .flatMap(dataset -> usage.runsUsing(tenant, id))
                .flatMap(runs -> runs.isEmpty() ? Mono.just(runs) : Mono.error(Problems.with(
                        Problems.conflict("dataset-in-use", "The dataset " + id + " is used by unfinished runs " + runs),
                        java.util.Map.of("run_ids", runs))))
                .flatMap(free -> datasets.deleteDataset(tenant, id))
                .flatMap(deleted -> store.deleteTree(tenant, ObjectPaths.datasetPrefix(id)));
    }
}
