package io.runstream.job.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.platform.event.RunEvents;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A job definition on the wire (flwd's shape; {@code args} is the arguments' JSON Schema). */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobView(String id, String name, String namespace, String version, String description, String source,
               String executor, String kind, JsonNode args, JsonNode command, String image, Map<String, String> env,
               RunEvents.Resources resources, Long expiresSeconds, Integer maxAttempts, Integer leaseSeconds,
               Instant createdAt, Instant updatedAt) {

    static JobView of(JobDefinition d) {
        return new JobView(d.id(), d.name(), d.namespace(), d.version(), d.description(), d.source(), d.executor(),
                d.kind(), d.argsSchema(), d.command(), d.image(), d.env(), d.resources(), d.expiresSeconds(),
                d.maxAttempts(), d.leaseSeconds(), d.createdAt(), d.updatedAt());
    }

    record Page(List<JobView> jobs) {
    }
}
