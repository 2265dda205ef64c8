package io.runstream.platform.event;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the wire form of events. It owns its own mapper so that the wire format
 * (snake_case, ISO-8601 instants) does not change with a service's web JSON settings.
 */
public final class EventCodec {

    private final JsonMapper mapper;

    public EventCodec() {
        this.mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    public String write(EventEnvelope event) {
        return mapper.writeValueAsString(event);
    }

    /** @throws tools.jackson.core.JacksonException when {@code json} is not an event */
    public EventEnvelope read(String json) {
        EventEnvelope event = mapper.readValue(json, EventEnvelope.class);
        if (event == null || event.type() == null) {
            throw new IllegalArgumentException("not a CloudEvents envelope: missing type");
        }
        return event;
    }

    public JsonNode toData(Object payload) {
        return mapper.valueToTree(payload);
    }

    public <T> T data(EventEnvelope event, Class<T> type) {
        return mapper.treeToValue(event.data(), type);
    }

    public JsonMapper mapper() {
        return mapper;
    }

    /** Builds an event whose data is {@code payload}. */
    public EventEnvelope event(String source, String type, String runId, String tenant, Object payload) {
        return EventEnvelope.create(source, type, runId, tenant, toData(payload));
    }
}
