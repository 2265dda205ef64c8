package io.runstream.training.engine;

import io.runstream.model.Preprocessing;
import io.runstream.model.Preprocessing.Feature;
import io.runstream.model.Preprocessing.Kind;
import io.runstream.model.Values;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of a {@link DataTable} coerced to numbers once per column, so that fitting and
 * encoding never parse the same text twice. Every value here is what {@link Feature#coerce} gives
 * for the cell (NaN: missing or not coercible; coerce never answers NaN or infinities), and
 * {@link #encode} writes exactly what {@link Preprocessing#encode} writes for each row: the
 * inference side applies that one, so the two must agree bit for bit (tested).
 */
final class TypedColumns {

    /** A text column stops being parsed as numbers after this many failures (when they outnumber successes). */
    private static final int GIVE_UP_AFTER = 16;
    private static final int KINDS = Kind.values().length;

    private final DataTable table;
    private final int rows;
    private final double[][] numbers;
    private final boolean[] parsed;
    private final double[][] coerced;

    TypedColumns(DataTable table) {
        this.table = table;
        this.rows = table.rowCount();
        int columns = table.columns().size();
        this.numbers = new double[columns][];
        this.parsed = new boolean[columns];
        this.coerced = new double[columns * KINDS][];
    }

    DataTable table() {
        return table;
    }

    String cell(int row, int col) {
        return table.cell(row, col);
    }

    /**
     * The column parsed as plain numbers (NaN for missing or non-numeric cells), or {@code null}
     * when it is a text column: then callers go through the per-cell coercion. Shared: not to be
     * modified.
     */
    double[] numbers(int col) {
        if (!parsed[col]) {
            numbers[col] = parse(table.column(col));
            parsed[col] = true;
        }
        return numbers[col];
    }

    /** The reader's numbers, and {@link Values#number} of the cells it kept as text (blanks, decorated numbers). */
    private double[] parse(Column column) {
        if (column.allPlain()) {
            return column.plainNumbers();
        }
        double[] out = column.plainNumbers().clone();
        int ok = 0;
        int failed = 0;
        for (int r = 0; r < rows; r++) {
            if (column.isPlain(r)) {
                ok++;
                continue;
            }
            String raw = column.text(r);
            var number = Values.number(raw);
            if (number.isPresent()) {
                out[r] = number.getAsDouble();
                ok++;
            } else if (!Values.isMissing(raw) && ++failed > GIVE_UP_AFTER && failed > ok) {
                return null;
            }
        }
        return out;
    }

    /** Whether every non-missing cell of {@code rows} is a number; {@code null} when not known cheaply. */
    Boolean allNumbers(int col, int[] subset) {
        double[] parsed = numbers(col);
        if (parsed == null) {
            return null;
        }
        for (int r : subset) {
            if (Double.isNaN(parsed[r]) && !Values.isMissing(cell(r, col))) {
                return false;
            }
        }
        return true;
    }

    /** Every cell of the column coerced to the feature's kind (NaN when missing or not coercible). Shared. */
    double[] coerced(int col, Feature feature) {
        int key = col * KINDS + feature.kind().ordinal();
        if (coerced[key] == null) {
            coerced[key] = coerce(col, feature);
        }
        return coerced[key];
    }

    private double[] coerce(int col, Feature feature) {
        double[] parsed = feature.kind() == Kind.NUMERIC ? numbers(col) : null;
        if (parsed != null && table.column(col).allPlain()) {
            return parsed;  // every cell a number already
        }
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            if (parsed != null && !Double.isNaN(parsed[r])) {
                out[r] = parsed[r];
            } else {
                out[r] = feature.coerce(cell(r, col)).orElse(Double.NaN);
            }
        }
        return out;
    }

    /**
     * Encodes {@code subset} (row indexes of the table) row-major into a dense matrix, column by
     * column; the same numbers as {@link Preprocessing#encode} row by row.
     */
    float[] encode(Preprocessing preprocessing, int[] subset) {
        int width = preprocessing.width();
        float[] data = new float[subset.length * width];
        int offset = 0;
        for (Feature feature : preprocessing.features()) {
            int col = table.indexOf(feature.name());
            if (feature.kind() == Kind.CATEGORICAL) {
                Map<String, Integer> slot = new HashMap<>();
                List<String> categories = feature.categories();
                for (int k = 0; k < categories.size(); k++) {
                    slot.putIfAbsent(categories.get(k), k);
                }
                if (col >= 0) {
                    for (int i = 0; i < subset.length; i++) {
                        String raw = cell(subset[i], col);
                        Integer k = Values.isMissing(raw) ? null : slot.get(raw.strip());
                        if (k != null) {
                            data[i * width + offset + k] = 1f;
                        }
                    }
                }
            } else {
                double impute = feature.impute();
                double mean = feature.mean();
                double std = feature.std();
                double[] values = col >= 0 ? coerced(col, feature) : null;
                for (int i = 0; i < subset.length; i++) {
                    double x = values == null || Double.isNaN(values[subset[i]]) ? impute : values[subset[i]];
                    data[i * width + offset] = (float) ((x - mean) / std);
                }
            }
            offset += feature.width();
        }
        return data;
    }
}
