package io.runstream.dataset.statistics;

import io.runstream.platform.security.Caller;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/dataset")
class StatisticsController {

    private final StatisticsService statistics;

    StatisticsController(StatisticsService statistics) {
        this.statistics = statistics;
    }

    /** The seed's answer; {@code job_id} is the run id (follow it on job-service's run stream). */
    record Submitted(String status, String message, String jobId, String runId) {
    }

    @PostMapping("/generate_statistics")
    @PreAuthorize("hasAuthority('datasets:write')")
    Mono<Submitted> generate(@RequestParam("dataset_id") long datasetId, Caller caller) {
        return statistics.generate(caller, datasetId)
                .map(runId -> new Submitted("success", "Statistics generation job submitted successfully.", runId, runId));
    }

    @GetMapping("/statistics")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<DatasetStatistics> get(@RequestParam("dataset_id") long datasetId, Caller caller) {
        return statistics.latest(caller.tenant(), datasetId);
    }
}
