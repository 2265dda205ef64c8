package io.runstream.job.definition;

import io.runstream.platform.event.RunEvents;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;

/**
 * A job definition: a built-in job a service executes ({@code tenantId} empty, visible to every tenant)
 * or a command job a tenant registered ({@code kind = command}, executed by job-service).
 */
public record JobDefinition(String tenantId, String id, String namespace, String name, String version,
                            String description, JsonNode argsSchema, String executor, String source, String kind,
                            JsonNode command, String image, Map<String, String> env, RunEvents.Resources resources,
                            Long expiresSeconds, int maxAttempts, int leaseSeconds, Instant createdAt,
                            Instant updatedAt) {

    public static final String GLOBAL = "";
    public static final String KIND_BUILTIN = "builtin";
    public static final String KIND_COMMAND = "command";

    public boolean isCommand() {
        return KIND_COMMAND.equals(kind);
    }
}
