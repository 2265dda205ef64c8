package io.runstream.training.engine;

import java.util.Locale;
import java.util.Optional;

/** The seed's {@code attribute_name} of a column. */
public enum ColumnRole {
    ID("Id"), TARGET("Target"), FEATURE("Feature"), TIMESTAMP("Timestamp");

    private final String label;

    ColumnRole(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<ColumnRole> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "id" -> Optional.of(ID);
            case "target" -> Optional.of(TARGET);
            case "feature" -> Optional.of(FEATURE);
            case "timestamp", "time", "date" -> Optional.of(TIMESTAMP);
            default -> Optional.empty();
        };
    }
}
