package io.runstream.job.metrics;

import io.runstream.job.run.Runs;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Time series the executors sampled for a run (cpu, memory, ... and any metric a run reports with its progress). */
@RestController
class MetricsController {

    private final DatabaseClient db;
    private final Runs runs;

    MetricsController(DatabaseClient db, Runs runs) {
        this.db = db;
        this.runs = runs;
    }

    record Point(Instant time, double value) {
    }

    record RunMetrics(String runId, Map<String, List<Point>> metrics) {
    }

    record Series(String name, String runId, List<Point> points) {
    }

    @GetMapping("/api/v1/runs/{runId}/metrics")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<RunMetrics> all(Caller caller, @PathVariable String runId) {
        return runs.get(caller.tenant(), runId).then(db.sql("""
                        select name, time, value from run_metric where run_id = :runId and tenant_id = :tenant
                        order by name, time""")
                .bind("runId", runId).bind("tenant", caller.tenant())
                .map(row -> Map.entry(row.get("name", String.class), new Point(
                        row.get("time", OffsetDateTime.class).toInstant(), row.get("value", Double.class))))
                .all()
                .collect(LinkedHashMap<String, List<Point>>::new,
                        (map, entry) -> map.computeIfAbsent(entry.getKey(), key -> new java.util.ArrayList<>()).add(entry.getValue()))
                .map(series -> new RunMetrics(runId, series)));
    }

    @GetMapping({"/api/v1/metrics/{name}", "/api/v1/metrics/{name}/"})
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<Series> one(Caller caller, @PathVariable String name,
                     @RequestParam(name = "run_id", required = false) String runId,
                     @RequestParam(name = "job_id", required = false) String jobId) {
        String id = runId != null ? runId : jobId;
        if (id == null || id.isBlank()) {
            return Mono.error(Problems.invalidFields("A run is required",
                    List.of(new Problems.FieldError("run_id", "is required"))));
        }
        return runs.get(caller.tenant(), id).then(db.sql("""
                        select time, value from run_metric where run_id = :runId and tenant_id = :tenant and name = :name
                        order by time""")
                .bind("runId", id).bind("tenant", caller.tenant()).bind("name", name)
                .map(row -> new Point(row.get("time", OffsetDateTime.class).toInstant(), row.get("value", Double.class)))
                .all().collectList()
                .map(points -> new Series(name, id, points)));
    }
}
