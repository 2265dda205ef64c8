package io.runstream.job.definition;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.runstream.platform.event.RunEvents;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

import java.util.Map;

/**
 * {@code POST /api/v1/jobs}: a command job. {@code command} is either one string (run by the shell, args
 * reach it as environment variables) or an argv array whose elements may hold {@code {{arg}}} placeholders.
 * {@code expires} bounds a run's runtime: seconds, or a duration such as {@code 90s}, {@code 30m}, {@code 4h}.
 */
public record CommandJobRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = JobIds.PATTERN, message = "must look like namespace/name (lowercase letters, digits, '-', '_', '.')") String id,
        @Size(max = 50) String version,
        @Size(max = 2000) String description,
        @JsonAlias("args") JsonNode argsSchema,
        JsonNode command,
        @Size(max = 500) String image,
        @JsonAlias("env_vars") Map<String, String> env,
        RunEvents.Resources resources,
        @JsonAlias("timeout") String expires,
        @Min(1) @Max(20) Integer maxAttempts,
        @Min(5) @Max(86400) Integer leaseSeconds) {
}
