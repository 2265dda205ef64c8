package io.runstream.training.engine;

import io.runstream.model.Preprocessing;
import io.runstream.model.Preprocessing.Feature;
import io.runstream.model.Preprocessing.Kind;
import io.runstream.model.ProblemType;
import io.runstream.model.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The learning side of {@link Preprocessing}: fits the artifact on a training split. Only the
 * trainer learns preprocessing, so this stays in training-service; the artifact's format and how
 * it encodes rows live in the shared {@code model-runtime} module.
 */
final class PreprocessingFit {

    private PreprocessingFit() {
    }

    /**
     * Learns the preprocessing from the training rows of {@code table}.
     *
     * @param columns   every column's role and declared type (columns absent here are features)
     * @param trainRows the rows of the training split
     */
    static Preprocessing fit(TypedColumns typed, List<ColumnSpec> columns, ProblemType problemType, int[] trainRows,
                             int maxCategories, Collection<String> allTargetValues) {
        return fit(typed, columns, problemType, trainRows, maxCategories, allTargetValues, Parallel.NONE);
    }

    /** {@link #fit} with the features fitted on up to {@code parallel.threads()} threads (each feature on one). */
    static Preprocessing fit(TypedColumns typed, List<ColumnSpec> columns, ProblemType problemType, int[] trainRows,
                             int maxCategories, Collection<String> allTargetValues, Parallel parallel) {
        DataTable table = typed.table();
        Map<String, ColumnSpec> declared = new HashMap<>();
        columns.forEach(c -> declared.put(c.name(), c));
        ColumnSpec target = columns.stream().filter(c -> c.role() == ColumnRole.TARGET).findFirst().orElseThrow();
        List<String> ids = new ArrayList<>();
        List<Integer> featureColumns = new ArrayList<>();
        for (int col = 0; col < table.columns().size(); col++) {
            String name = table.columns().get(col);
            ColumnSpec spec = declared.get(name);
            ColumnRole role = spec == null ? ColumnRole.FEATURE : spec.role();
            switch (role) {
                case ID -> ids.add(name);
                case FEATURE -> featureColumns.add(col);
                default -> {
                    // the target and the timestamp are not tabular features
                }
            }
        }
        Feature[] features = new Feature[featureColumns.size()];
        parallel.forEach(features.length, f -> {
            int col = featureColumns.get(f);
            ColumnSpec spec = declared.get(table.columns().get(col));
            features[f] = fitFeature(typed, col, spec == null ? null : spec.dataType(), trainRows, maxCategories);
        });
        List<String> classes = null;
        if (problemType == ProblemType.CLASSIFICATION) {
            TreeSet<String> distinct = new TreeSet<>();
            for (String raw : allTargetValues) {
                if (!Values.isMissing(raw)) {
                    distinct.add(Preprocessing.normalizeClass(raw, target.dataType()));
                }
            }
            classes = List.copyOf(distinct);
        }
        return new Preprocessing(Preprocessing.FORMAT_VERSION, problemType.label(), target.name(), target.dataType(), classes,
                List.copyOf(ids), List.of(features), null);
    }


    private static Feature fitFeature(TypedColumns typed, int col, String declaredType, int[] trainRows, int maxCategories) {
        DataTable table = typed.table();
        String name = table.columns().get(col);
        Kind kind = kindOf(declaredType);
        if (kind == null) {
            kind = Boolean.TRUE.equals(typed.allNumbers(col, trainRows)) ? Kind.NUMERIC : inferKind(typed, col, trainRows);
        }
        if (kind == Kind.CATEGORICAL) {
            Map<String, Integer> counts = new HashMap<>();
            for (int r : trainRows) {
                String raw = typed.cell(r, col);
                if (!Values.isMissing(raw)) {
                    counts.merge(raw.strip(), 1, Integer::sum);
                }
            }
            List<String> categories = counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(maxCategories)
                    .map(Map.Entry::getKey)
                    .toList();
            return new Feature(name, declaredType == null ? "String" : declaredType, kind, null, null, null,
                    categories, categories.isEmpty() ? null : categories.get(0));
        }
        Feature probe = new Feature(name, declaredType, kind, 0d, 0d, 1d, null, null);
        double[] coerced = typed.coerced(col, probe);
        double[] values = new double[trainRows.length];
        int present = 0;
        for (int r : trainRows) {
            if (!Double.isNaN(coerced[r])) {
                values[present++] = coerced[r];
            }
        }
        values = Arrays.copyOf(values, present);
        double median = values.length == 0 ? 0 : kthSmallest(values, values.length / 2);
        double mean = Arrays.stream(values).average().orElse(0);
        double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average().orElse(0);
        double std = variance > 1e-12 ? Math.sqrt(variance) : 1;
        String dataType = declaredType != null ? declaredType : switch (kind) {
            case BOOLEAN -> "Boolean";
            case DATE -> "Date";
            default -> "Float";
        };
        String defaultValue = switch (kind) {
            case BOOLEAN -> median >= 0.5 ? "true" : "false";
            case DATE -> java.time.LocalDate.ofEpochDay((long) Math.floor(median)).toString();
            default -> median == Math.rint(median) ? Long.toString((long) median) : Double.toString(median);
        };
        return new Feature(name, dataType, kind, median, mean, std, null, defaultValue);
    }

    /**
     * The value a sort would put at index {@code k} (Hoare's selection, expected linear time
     * instead of a full sort's n log n; reorders {@code values}).
     */
    static double kthSmallest(double[] values, int k) {
        int lo = 0;
        int hi = values.length - 1;
        while (lo < hi) {
            double pivot = values[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = values[i];
                    values[i++] = values[j];
                    values[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return values[k];
            }
        }
        return values[k];
    }

    static Kind kindOf(String declaredType) {
        if (declaredType == null) {
            return null;
        }
        return switch (declaredType.strip().toLowerCase(Locale.ROOT)) {
            case "integer", "int", "long", "float", "double", "number", "numeric", "decimal", "real", "bigint" -> Kind.NUMERIC;
            case "boolean", "bool" -> Kind.BOOLEAN;
            case "date", "datetime", "timestamp" -> Kind.DATE;
            case "string", "text", "category", "categorical", "varchar" -> Kind.CATEGORICAL;
            default -> null;
        };
    }

    private static Kind inferKind(TypedColumns typed, int col, int[] trainRows) {
        boolean numeric = true;
        boolean bool = true;
        boolean date = true;
        for (int r : trainRows) {
            String raw = typed.cell(r, col);
            if (Values.isMissing(raw)) {
                continue;
            }
            numeric &= Values.number(raw).isPresent();
            bool &= Values.bool(raw).isPresent();
            date &= !numeric && Values.dateTime(raw) != null;
            if (!numeric && !bool && !date) {
                return Kind.CATEGORICAL;
            }
        }
        if (numeric) {
            return Kind.NUMERIC;
        }
        return bool ? Kind.BOOLEAN : Kind.DATE;
    }
}
