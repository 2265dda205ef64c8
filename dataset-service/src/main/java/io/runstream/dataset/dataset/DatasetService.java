package io.runstream.dataset.dataset;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

import java.util.List;

/** Datasets of the caller's tenant; unknown ids (or another tenant's) signal a 404 problem. */
public interface DatasetService {

    Mono<DatasetViews.Page> list(Caller caller);

    Mono<List<DatasetViews.Validated>> listValidated(Caller caller);

    Mono<DatasetViews.Detail> get(String tenant, long id);

    /** Typed preview rows from the validated copies; {@code limit} null means the configured preview size. */
    Mono<DatasetViews.Preview> view(String tenant, long id, Integer limit);

    /** Removes the dataset, its files, statistics and stored objects. */
    Mono<Void> delete(Caller caller, long id);
}
