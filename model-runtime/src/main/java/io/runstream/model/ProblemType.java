package io.runstream.model;

import java.util.Locale;
import java.util.Optional;

/** The seed's problem types. */
public enum ProblemType {
    CLASSIFICATION("Classification"), REGRESSION("Regression"), FORECAST("Forecast");

    private final String label;

    ProblemType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<ProblemType> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "classification", "binary", "multiclass", "binary_classification", "multiclass_classification" ->
                    Optional.of(CLASSIFICATION);
            case "regression" -> Optional.of(REGRESSION);
            case "forecast", "forecasting", "time_series", "timeseries" -> Optional.of(FORECAST);
            default -> Optional.empty();
        };
    }
}
