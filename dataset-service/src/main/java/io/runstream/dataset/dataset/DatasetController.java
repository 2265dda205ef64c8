package io.runstream.dataset.dataset;

import io.runstream.platform.security.Caller;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

@RestController
@RequestMapping("/api/v1/dataset")
class DatasetController {

    private final DatasetService datasets;

    DatasetController(DatasetService datasets) {
        this.datasets = datasets;
    }

    @GetMapping("/list")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<DatasetViews.Page> list(Caller caller) {
        return datasets.list(caller);
    }

    @GetMapping("/list_validated")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<List<DatasetViews.Validated>> listValidated(Caller caller) {
        return datasets.listValidated(caller);
    }

    @GetMapping("/get_dataset_by_id")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<DatasetViews.Detail> get(@RequestParam("dataset_id") long datasetId, Caller caller) {
        return datasets.get(caller.tenant(), datasetId);
    }

    @GetMapping("/view")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<DatasetViews.Preview> view(@RequestParam("dataset_id") long datasetId,
                                    @RequestParam(name = "limit", required = false) Integer limit, Caller caller) {
        return datasets.view(caller.tenant(), datasetId, limit);
    }

    @DeleteMapping("/delete/{id}")
    @PreAuthorize("hasAuthority('can_delete_dataset') or hasAuthority('datasets:write')")
    Mono<Map<String, Object>> delete(@PathVariable long id, Caller caller) {
        return datasets.delete(caller, id).thenReturn(Map.of("id", id, "message", "Dataset deleted successfully"));
    }
}
