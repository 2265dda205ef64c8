package io.runstream.dataset.validation;

/**
 * Infers a column's type from its non-empty values: the narrowest of Integer, Float, Boolean, Date,
 * Timestamp that every value parses as, else String. Candidates only shrink, so each value is
 * tested against the types still possible.
 */
final class TypeInference {

    private static final ColumnType[] PREFERENCE = {ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.BOOLEAN,
            ColumnType.DATE, ColumnType.TIMESTAMP};
    private static final int ALL = (1 << PREFERENCE.length) - 1;

    private final int[] candidates;
    private final boolean[] seen;

    TypeInference(int columns) {
        candidates = new int[columns];
        seen = new boolean[columns];
        java.util.Arrays.fill(candidates, ALL);
    }

    void accept(int column, String value) {
        if (value.isEmpty()) {
            return;
        }
        seen[column] = true;
        int mask = candidates[column];
        if (mask == 0) {
            return;
        }
        for (int t = 0; t < PREFERENCE.length; t++) {
            if ((mask & (1 << t)) != 0 && PREFERENCE[t].canonical(value) == null) {
                mask &= ~(1 << t);
            }
        }
        candidates[column] = mask;
    }

    /** {@link #accept(int, String)} for {@code chars[start, end)} (trimmed). */
    void accept(int column, char[] chars, int start, int end) {
        if (start == end) {
            return;
        }
        seen[column] = true;
        int mask = candidates[column];
        if (mask == 0) {
            return;
        }
        for (int t = 0; t < PREFERENCE.length; t++) {
            if ((mask & (1 << t)) != 0 && !PREFERENCE[t].accepts(chars, start, end)) {
                mask &= ~(1 << t);
            }
        }
        candidates[column] = mask;
    }

    /** Folds in what another part of the same columns' values allows (the inference of both parts together). */
    void merge(TypeInference other) {
        for (int c = 0; c < candidates.length; c++) {
            candidates[c] &= other.candidates[c];
            seen[c] |= other.seen[c];
        }
    }

    ColumnType type(int column) {
        if (!seen[column]) {
            return ColumnType.STRING;
        }
        for (int t = 0; t < PREFERENCE.length; t++) {
            if ((candidates[column] & (1 << t)) != 0) {
                return PREFERENCE[t];
            }
        }
        return ColumnType.STRING;
    }
}
