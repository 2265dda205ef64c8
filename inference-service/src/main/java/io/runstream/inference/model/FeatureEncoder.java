package io.runstream.inference.model;

import io.runstream.model.Preprocessing;
import io.runstream.model.Values;
import io.runstream.platform.web.Problems;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a JSON object of features against a model's preprocessing and encodes it. */
public final class FeatureEncoder {

    private FeatureEncoder() {
    }

    /**
     * Encodes {@code features} into one row; a problem names every unknown, missing or wrong-typed
     * field ({@code features.<name>}). Id columns and the target may be present and are ignored;
     * an explicit null is a missing value (imputed as in training).
     */
    public static float[] encode(Preprocessing preprocessing, JsonNode features) {
        List<Problems.FieldError> errors = new ArrayList<>();
        Set<String> known = new HashSet<>();
        preprocessing.features().forEach(f -> known.add(f.name()));
        Set<String> ignored = new HashSet<>(preprocessing.idColumns());
        ignored.add(preprocessing.target());
        for (Map.Entry<String, JsonNode> entry : features.properties()) {
            if (!known.contains(entry.getKey()) && !ignored.contains(entry.getKey())) {
                errors.add(new Problems.FieldError("features." + entry.getKey(), "is not a feature of this model"));
            }
        }
        for (Preprocessing.Feature feature : preprocessing.features()) {
            if (!features.has(feature.name())) {
                errors.add(new Problems.FieldError("features." + feature.name(), "is missing"));
                continue;
            }
            JsonNode value = features.get(feature.name());
            String problem = typeProblem(feature, value);
            if (problem != null) {
                errors.add(new Problems.FieldError("features." + feature.name(), problem));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("The features do not fit the model", errors);
        }
        float[] row = new float[preprocessing.width()];
        preprocessing.encode(name -> raw(features.get(name)), row, 0);
        return row;
    }

    /** The text form of a scalar JSON value, as a CSV cell would carry it; null for null. */
    public static String raw(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isString() ? value.asString() : value.toString();
    }

    private static String typeProblem(Preprocessing.Feature feature, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isContainer()) {
            return "must be a single value, not " + (value.isArray() ? "an array" : "an object");
        }
        String raw = raw(value);
        return switch (feature.kind()) {
            case NUMERIC -> feature.coerce(raw).isPresent() || Values.isMissing(raw) ? null : "must be a number";
            case BOOLEAN -> feature.coerce(raw).isPresent() || Values.isMissing(raw) ? null : "must be true or false";
            case DATE -> feature.coerce(raw).isPresent() || Values.isMissing(raw) ? null : "must be a date (e.g. 2024-05-01)";
            case CATEGORICAL -> null;
        };
    }
}
