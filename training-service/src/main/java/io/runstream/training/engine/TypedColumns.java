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
    /** Rows encoded at a time: 256 rows of a few dozen floats stay in the CPU's first-level cache. */
    private static final int ENCODE_BLOCK = 256;

    private final DataTable table;
    private final int rows;
    private final double[][] numbers;
    private final boolean[] parsed;
    private final double[][] coerced;
    private final int[][] slots;
    private final Feature[] slotsFor;

    TypedColumns(DataTable table) {
        this.table = table;
        this.rows = table.rowCount();
        int columns = table.columns().size();
        this.numbers = new double[columns][];
        this.parsed = new boolean[columns];
        this.coerced = new double[columns * KINDS][];
        this.slots = new int[columns][];
        this.slotsFor = new Feature[columns];
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
        if (table.column(col).allPlain()) {
            return true;
        }
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
     * Each cell's one-hot slot among the feature's categories: -1 when missing or not a category.
     * Shared.
     */
    int[] slots(int col, Feature feature) {
        if (slotsFor[col] != feature) {
            Map<String, Integer> slotOf = new HashMap<>();
            List<String> categories = feature.categories();
            for (int k = 0; k < categories.size(); k++) {
                slotOf.putIfAbsent(categories.get(k), k);
            }
            int[] out = new int[rows];
            for (int r = 0; r < rows; r++) {
                String raw = cell(r, col);
                Integer k = Values.isMissing(raw) ? null : slotOf.get(raw.strip());
                out[r] = k == null ? -1 : k;
            }
            slots[col] = out;
            slotsFor[col] = feature;
        }
        return slots[col];
    }

    /**
     * Encodes {@code subset} (row indexes of the table) row-major into a dense matrix; the same
     * numbers as {@link Preprocessing#encode} row by row.
     */
    float[] encode(Preprocessing preprocessing, int[] subset) {
        float[] data = new float[subset.length * preprocessing.width()];
        Encoder encoder = new Encoder(preprocessing);
        encoder.encode(data, subset, 0, subset.length);
        return data;
    }

    /**
     * Encodes several subsets at once: every row of the table in table order (each column read
     * front to back; parts of the table on up to {@code parallel.threads()} threads), then each
     * subset's rows copied out. Same numbers as {@link #encode}; faster for a shuffled split, which
     * would otherwise read every column in random order.
     */
    float[][] encodeSplit(Preprocessing preprocessing, Parallel parallel, int[]... subsets) {
        int width = preprocessing.width();
        int[] all = new int[rows];
        for (int r = 0; r < rows; r++) {
            all[r] = r;
        }
        float[] table = new float[rows * width];
        Encoder encoder = new Encoder(preprocessing);
        int parts = Math.max(1, Math.min(parallel.threads(), rows / ENCODE_BLOCK));
        parallel.forEach(parts, part -> encoder.encode(table, all, (int) ((long) rows * part / parts),
                (int) ((long) rows * (part + 1) / parts)));
        float[][] out = new float[subsets.length][];
        for (int s = 0; s < subsets.length; s++) {
            int[] subset = subsets[s];
            float[] data = new float[subset.length * width];
            for (int i = 0; i < subset.length; i++) {
                System.arraycopy(table, subset[i] * width, data, i * width, width);
            }
            out[s] = data;
        }
        return out;
    }

    /** What encoding needs of each feature, worked out once (coerced columns, category slots). */
    private final class Encoder {
        private final List<Feature> features;
        private final int width;
        private final double[][] values;
        private final int[][] slotsOf;
        private final int[] offsets;

        Encoder(Preprocessing preprocessing) {
            features = preprocessing.features();
            width = preprocessing.width();
            int count = features.size();
            values = new double[count][];
            slotsOf = new int[count][];
            offsets = new int[count];
            int offset = 0;
            for (int f = 0; f < count; f++) {
                Feature feature = features.get(f);
                int col = table.indexOf(feature.name());
                if (col >= 0 && feature.kind() == Kind.CATEGORICAL) {
                    slotsOf[f] = slots(col, feature);
                } else if (col >= 0) {
                    values[f] = coerced(col, feature);
                }
                offsets[f] = offset;
                offset += feature.width();
            }
        }

        /** Writes the rows {@code subset[from..to)} into {@code data} from row {@code from} on, a block at a time. */
        void encode(float[] data, int[] subset, int from, int to) {
            for (int start = from; start < to; start += ENCODE_BLOCK) {
                int end = Math.min(to, start + ENCODE_BLOCK);
                for (int f = 0; f < features.size(); f++) {
                    Feature feature = features.get(f);
                    if (feature.kind() == Kind.CATEGORICAL) {
                        if (slotsOf[f] != null) {
                            oneHot(data, width, offsets[f], slotsOf[f], subset, start, end);
                        }
                    } else {
                        standardised(data, width, offsets[f], values[f], subset, start, end, feature.impute(),
                                feature.mean(), feature.std());
                    }
                }
            }
        }
    }

    private static void oneHot(float[] data, int width, int offset, int[] slots, int[] subset, int from, int to) {
        for (int i = from; i < to; i++) {
            int k = slots[subset[i]];
            if (k >= 0) {
                data[i * width + offset + k] = 1f;
            }
        }
    }

    /** {@code values}: the coerced column ({@code null}: the column is not in the table, every row imputed). */
    private static void standardised(float[] data, int width, int offset, double[] values, int[] subset, int from, int to,
                                     double impute, double mean, double std) {
        for (int i = from; i < to; i++) {
            double x = values == null || Double.isNaN(values[subset[i]]) ? impute : values[subset[i]];
            data[i * width + offset] = (float) ((x - mean) / std);
        }
    }
}
