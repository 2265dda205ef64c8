package io.runstream.platform.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A CloudEvents 1.0 event in structured JSON mode: the one envelope of everything that travels on
 * Runstream's topics. {@code subject} is the run id (also the Kafka key, so a run's events stay in
 * order on one partition); {@code tenant} is a CloudEvents extension attribute.
 *
 * @param id     unique per event; consumers deduplicate by it
 * @param source the producing service, as a URI reference ({@code /runstream/job-service})
 * @param type   one of {@link EventTypes}
 * @param data   the type's payload (one of the records in this package), as JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        String tenant,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        if (specversion == null) {
            specversion = SPEC_VERSION;
        }
        if (datacontenttype == null && data != null) {
            datacontenttype = "application/json";
        }
    }

    /** A new event with a fresh id and the current time. */
    public static EventEnvelope create(String source, String type, String subject, String tenant, JsonNode data) {
        return new EventEnvelope(SPEC_VERSION, UUID.randomUUID().toString(), source, type, subject,
                Instant.now(), "application/json", tenant, data);
    }
}
