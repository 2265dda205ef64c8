package io.runstream.job.run;

import io.runstream.job.config.JobProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Maps stored runs to their wire form, with runtime and cost. */
@Component
class RunViews {

    private final JobProperties.Cost rates;

    RunViews(JobProperties properties) {
        this.rates = properties.cost();
    }

    RunView full(RunRow r, List<RunView.Attempt> attempts, List<RunView.Step> steps) {
        return view(r, attempts, steps);
    }

    RunView summary(RunRow r) {
        return view(r, null, null);
    }

    private RunView view(RunRow r, List<RunView.Attempt> attempts, List<RunView.Step> steps) {
        Double runtime = null;
        if (r.startedAt() != null) {
            Instant end = r.finishedAt() == null ? Instant.now() : r.finishedAt();
            runtime = Math.max(0, Duration.between(r.startedAt(), end).toMillis() / 1000.0);
        }
        double perHour = costPerHour(r.resources());
        RunView.Cost cost = new RunView.Cost(rates.currency(), round(perHour),
                round(runtime == null ? 0 : perHour * runtime / 3600.0));
        return new RunView(r.id(), r.jobId(), r.status(), r.progress(), r.message(), r.executor(),
                new RunView.Owner(r.owner(), r.ownerName()), r.project(), r.args(), r.priority(), r.tags(),
                r.resources(), r.result() == null ? null : new RunView.Result(r.result()), r.error(), r.attempt(),
                r.maxAttempts(), attempts, steps, r.createdAt(), r.startedAt(), r.finishedAt(), runtime,
                r.leaseExpiresAt(), r.metrics(), cost);
    }

    private double costPerHour(JsonNode resources) {
        double cpu = 1;
        double memoryGb = 0.5;
        double gpus = 0;
        if (resources != null && resources.isObject()) {
            cpu = resources.path("cpu").asDouble(cpu);
            memoryGb = resources.has("memory_mb") ? resources.path("memory_mb").asDouble() / 1024.0 : memoryGb;
            gpus = resources.path("gpus").asDouble(0);
        }
        return cpu * rates.cpuHour() + memoryGb * rates.memoryGbHour() + gpus * rates.gpuHour();
    }

    private static double round(double value) {
        return Math.round(value * 10000.0) / 10000.0;
    }
}
