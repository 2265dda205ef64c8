package io.runstream.job.definition;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.runstream.platform.web.Problems;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Validates run arguments against a definition's JSON Schema (draft 2020-12 unless the schema says otherwise). */
@Component
public class ArgsSchemas {

    private static final int CACHE_LIMIT = 1000;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** The violations of {@code args}, one per offending field ({@code args.<path>}); empty when valid. */
    public List<Problems.FieldError> violations(JsonNode schema, JsonNode args) {
        if (schema == null || schema.isNull() || schema.isMissingNode()) {
            return List.of();
        }
        List<Problems.FieldError> errors = new ArrayList<>();
        for (Error error : compile(schema).validate(args)) {
            errors.add(new Problems.FieldError(field(error), error.getMessage()));
        }
        return errors;
    }

    /** Whether {@code schema} is a usable JSON Schema; the message says why not. */
    public String problemWith(JsonNode schema) {
        if (schema == null || schema.isNull()) {
            return null;
        }
        if (!schema.isObject()) {
            return "must be a JSON Schema object";
        }
        try {
            List<Error> errors = metaSchema().validate(schema);
            if (!errors.isEmpty()) {
                Error first = errors.get(0);
                return "is not a valid JSON Schema: " + first.getInstanceLocation() + " " + first.getMessage();
            }
            compile(schema).validate(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode());
            return null;
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            return "is not a valid JSON Schema: " + e.getMessage();
        }
    }

    private volatile Schema metaSchema;

    /** The draft 2020-12 meta-schema, bundled with the validator (no network). */
    private Schema metaSchema() {
        Schema meta = metaSchema;
        if (meta == null) {
            meta = registry.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
            metaSchema = meta;
        }
        return meta;
    }

    private Schema compile(JsonNode schema) {
        String key = schema.toString();
        Schema found = compiled.get(key);
        if (found != null) {
            return found;
        }
        Schema schemaObject = registry.getSchema(schema);
        if (compiled.size() >= CACHE_LIMIT) {
            compiled.clear();
        }
        compiled.put(key, schemaObject);
        return schemaObject;
    }

    private static String field(Error error) {
        String pointer = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        if (pointer.startsWith("$")) {
            pointer = pointer.substring(1);
        }
        String field = "args" + pointer.replace('/', '.').replaceAll("\\.+", ".");
        if (field.endsWith(".")) {
            field = field.substring(0, field.length() - 1);
        }
        String keyword = error.getKeyword();
        if (error.getProperty() != null && ("required".equals(keyword) || "additionalProperties".equals(keyword)
                || "dependentRequired".equals(keyword))) {
            field = field + "." + error.getProperty();
        }
        return field;
    }
}
