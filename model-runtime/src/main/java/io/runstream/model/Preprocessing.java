package io.runstream.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The preprocessing learned on a training split and stored with the model: how each raw feature
 * value becomes the numbers XGBoost sees (type coercion, missing values, categorical one-hot
 * encoding, standardisation), and how target values map to labels. Inference applies exactly this
 * artifact, so a model and its preprocessing never drift apart.
 * <p>This class is the artifact's format and its apply side, shared by training-service (which
 * learns it, see {@code io.runstream.training.engine.PreprocessingFit}, and encodes the training
 * rows with it) and inference-service (which encodes prediction inputs with it): one code base, so
 * the two encode byte-for-byte identically.
 *
 * @param formatVersion the artifact's format; readers refuse versions they do not know
 * @param classes       the target's classes in label order (classification only)
 * @param idColumns     columns that identify rows and are ignored
 * @param forecast      lag and calendar configuration (Forecast only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Preprocessing(int formatVersion, String problemType, String target, String targetDataType,
                            List<String> classes, List<String> idColumns, List<Feature> features,
                            ForecastConfig forecast) {

    public static final int FORMAT_VERSION = 1;

    public enum Kind { NUMERIC, BOOLEAN, CATEGORICAL, DATE }

    /**
     * One raw input column.
     *
     * @param impute       the value used when the input is missing (numeric kinds; the train median)
     * @param mean         subtracted before scaling (numeric kinds)
     * @param std          divisor (numeric kinds; 1 when the column is constant)
     * @param categories   the one-hot categories (categorical); other values encode as all zeros
     * @param defaultValue what a prediction form proposes
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Feature(String name, String dataType, Kind kind, Double impute, Double mean, Double std,
                          List<String> categories, String defaultValue) {

        @JsonIgnore
        public int width() {
            return kind == Kind.CATEGORICAL ? categories.size() : 1;
        }

        /** The numeric value of a raw input, or empty when it does not coerce to this feature's type. */
        public OptionalDouble coerce(String raw) {
            return switch (kind) {
                case NUMERIC -> {
                    OptionalDouble number = Values.number(raw);
                    yield number.isPresent() ? number : Values.bool(raw);
                }
                case BOOLEAN -> Values.bool(raw);
                case DATE -> Values.epochDays(raw);
                case CATEGORICAL -> OptionalDouble.empty();
            };
        }
    }

    public ProblemType type() {
        return ProblemType.parse(problemType).orElseThrow();
    }

    @JsonIgnore
    public int width() {
        int width = 0;
        for (Feature feature : features) {
            width += feature.width();
        }
        return width + (forecast == null ? 0 : forecast.width());
    }

    @JsonIgnore
    public List<String> encodedNames() {
        List<String> names = new ArrayList<>();
        for (Feature feature : features) {
            if (feature.kind() == Kind.CATEGORICAL) {
                feature.categories().forEach(c -> names.add(feature.name() + "=" + c));
            } else {
                names.add(feature.name());
            }
        }
        if (forecast != null) {
            names.addAll(forecast.featureNames());
        }
        return names;
    }

    /** For each encoded column, the index of the raw feature it came from (forecast features last). */
    @JsonIgnore
    public int[] sourceOfEncoded() {
        int[] source = new int[width()];
        int at = 0;
        for (int f = 0; f < features.size(); f++) {
            for (int k = 0; k < features.get(f).width(); k++) {
                source[at++] = f;
            }
        }
        if (forecast != null) {
            for (int k = 0; k < forecast.width(); k++) {
                source[at++] = features.size() + k;
            }
        }
        return source;
    }

    /** The raw feature names (forecast features included), in {@link #sourceOfEncoded()} order. */
    @JsonIgnore
    public List<String> sourceNames() {
        List<String> names = new ArrayList<>(features.stream().map(Feature::name).toList());
        if (forecast != null) {
            names.addAll(forecast.featureNames());
        }
        return names;
    }

    /** Writes the encoded tabular features of one row into {@code out} from {@code offset}. */
    public void encode(Function<String, String> rawValue, float[] out, int offset) {
        int at = offset;
        for (Feature feature : features) {
            String raw = rawValue.apply(feature.name());
            if (feature.kind() == Kind.CATEGORICAL) {
                String value = Values.isMissing(raw) ? null : raw.strip();
                for (String category : feature.categories()) {
                    out[at++] = category.equals(value) ? 1f : 0f;
                }
            } else {
                double x = feature.coerce(raw).orElse(feature.impute());
                out[at++] = (float) ((x - feature.mean()) / feature.std());
            }
        }
    }

    /** The label XGBoost learns for a target value; NaN when the value is missing or not a class. */
    public float label(String raw) {
        if (Values.isMissing(raw)) {
            return Float.NaN;
        }
        if (classes != null) {
            int index = classes.indexOf(normalizeClass(raw, targetDataType));
            return index < 0 ? Float.NaN : index;
        }
        return (float) Values.number(raw).orElse(Double.NaN);
    }

    /** The class name a raw target value stands for (boolean-like values of a Boolean target as true/false). */
    public static String normalizeClass(String raw, String dataType) {
        String v = raw.strip();
        if (dataType != null && dataType.toLowerCase(Locale.ROOT).startsWith("bool")) {
            OptionalDouble b = Values.bool(v);
            if (b.isPresent()) {
                return b.getAsDouble() == 1 ? "true" : "false";
            }
        }
        return v;
    }

    public Preprocessing withForecast(ForecastConfig config) {
        return new Preprocessing(formatVersion, problemType, target, targetDataType, classes, idColumns, features, config);
    }
}
