package io.runstream.job.run;

import io.runstream.platform.event.RunEvents;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * {@code POST /api/v1/runs}. {@code tenant} is accepted for flwd clients and ignored: the tenant is the token's.
 * {@code timeout_seconds} bounds the wait of {@code async=false} (capped by runstream.job.sync-wait).
 */
public record CreateRunRequest(
        @NotBlank @Size(max = 200) String jobId,
        JsonNode args,
        String tenant,
        Boolean async,
        @Min(0) @Max(9) Integer priority,
        @Size(max = 50) List<@NotBlank @Size(max = 100) String> tags,
        @Size(max = 200) String project,
        RunEvents.Resources resources,
        @Min(1) @Max(3600) Integer timeoutSeconds) {
}
