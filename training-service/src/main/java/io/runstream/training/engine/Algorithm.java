package io.runstream.training.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * XGBoost's boosters: gradient-boosted trees (the default), a boosted linear model, or {@code auto}
 * which trains both and keeps the better one on the validation split.
 */
public enum Algorithm {
    GBTREE("gbtree"), GBLINEAR("gblinear"), AUTO("auto");

    private final String booster;

    Algorithm(String booster) {
        this.booster = booster;
    }

    public String booster() {
        return booster;
    }

    public static Optional<Algorithm> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(GBTREE);
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "gbtree", "xgboost", "trees", "gradient_boosting", "gradient-boosted-trees" -> Optional.of(GBTREE);
            case "gblinear", "linear" -> Optional.of(GBLINEAR);
            case "auto" -> Optional.of(AUTO);
            default -> Optional.empty();
        };
    }
}
