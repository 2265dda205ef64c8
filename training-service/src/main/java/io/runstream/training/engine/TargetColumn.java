package io.runstream.training.engine;

import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import io.runstream.model.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The target column of a tabular training: which rows have a target, and (classification) its
 * distinct values, so that labels are worked out once per distinct value instead of once per row.
 *
 * @param usable   the rows with a target value, in row order
 * @param distinct classification: the distinct target texts as read, in order of first appearance
 *                 (empty for regression)
 * @param codes    classification: each row's index into {@code distinct} (-1: no target)
 */
record TargetColumn(Column column, int[] usable, List<String> distinct, int[] codes) {

    static TargetColumn of(DataTable table, ColumnSpec target, ProblemType type) {
        Column column = table.column(table.indexOf(target.name()));
        int rows = table.rowCount();
        boolean classification = type == ProblemType.CLASSIFICATION;
        int[] usable = new int[rows];
        int count = 0;
        List<String> distinct = new ArrayList<>();
        int[] codes = classification ? new int[rows] : null;
        Map<String, Integer> codeOf = new HashMap<>();
        for (int r = 0; r < rows; r++) {
            if (!column.isPlain(r)) {  // a plain decimal is a present number; anything else is checked
                String raw = column.text(r);
                if (Values.isMissing(raw)) {
                    if (classification) {
                        codes[r] = -1;
                    }
                    continue;
                }
                if (type == ProblemType.REGRESSION && Values.number(raw).isEmpty()) {
                    throw new TrainingException("target-not-numeric", "The target column '" + target.name()
                            + "' has the non-numeric value '" + raw + "' (data row " + (r + 1) + "); Regression needs numbers");
                }
            }
            usable[count++] = r;
            if (classification) {
                String raw = column.text(r);
                Integer code = codeOf.get(raw);
                if (code == null) {
                    code = distinct.size();
                    codeOf.put(raw, code);
                    distinct.add(raw);
                }
                codes[r] = code;
            }
        }
        return new TargetColumn(column, Arrays.copyOf(usable, count), List.copyOf(distinct), codes);
    }

    /** The label XGBoost learns for each of {@code rows}: what {@link Preprocessing#label} answers for its text. */
    float[] labels(Preprocessing preprocessing, int[] rows) {
        float[] labels = new float[rows.length];
        if (codes != null) {
            float[] labelOf = new float[distinct.size()];
            for (int k = 0; k < labelOf.length; k++) {
                labelOf[k] = preprocessing.label(distinct.get(k));
            }
            for (int i = 0; i < rows.length; i++) {
                int code = codes[rows[i]];
                labels[i] = code < 0 ? Float.NaN : labelOf[code];
            }
            return labels;
        }
        double[] plain = column.plainNumbers();
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            labels[i] = column.isPlain(r) ? (float) plain[r] : preprocessing.label(column.text(r));
        }
        return labels;
    }
}
