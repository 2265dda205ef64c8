package io.runstream.dataset.dataset;

import java.util.Locale;
import java.util.Map;

/** A dataset's intended usage: the seed's one-letter code and its label ({@code dataset_usage}). */
public final class Usages {

    private static final Map<String, String> LABELS = Map.of("t", "Training", "p", "Prediction", "f", "Forecasting");

    private Usages() {
    }

    /** The code of {@code usage} (a code or a label, any case), or null when unknown. */
    public static String normalize(String usage) {
        if (usage == null) {
            return null;
        }
        String value = usage.trim().toLowerCase(Locale.ROOT);
        if (LABELS.containsKey(value)) {
            return value;
        }
        return switch (value) {
            case "training", "train" -> "t";
            case "prediction", "predict", "inference" -> "p";
            case "forecasting", "forecast" -> "f";
            default -> null;
        };
    }

    public static String label(String code) {
        return LABELS.getOrDefault(code, code);
    }
}
