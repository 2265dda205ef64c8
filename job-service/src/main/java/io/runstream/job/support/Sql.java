package io.runstream.job.support;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.OffsetDateTime;

/** Small helpers for binding nullable values and reading jsonb columns with DatabaseClient. */
public final class Sql {

    private Sql() {
    }

    public static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String name, Object value,
                                                         Class<?> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    public static DatabaseClient.GenericExecuteSpec bindJson(DatabaseClient.GenericExecuteSpec spec, String name,
                                                             JsonNode value, JsonMapper mapper) {
        return value == null || value.isNull() || value.isMissingNode() ? spec.bindNull(name, Json.class)
                : spec.bind(name, Json.of(mapper.writeValueAsString(value)));
    }

    public static JsonNode json(Readable row, String column, JsonMapper mapper) {
        Json json = row.get(column, Json.class);
        return json == null ? null : mapper.readTree(json.asString());
    }

    public static Instant instant(Readable row, String column) {
        OffsetDateTime time = row.get(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    public static String[] strings(Readable row, String column) {
        String[] values = row.get(column, String[].class);
        return values == null ? new String[0] : values;
    }
}
