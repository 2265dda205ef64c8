package io.runstream.training.engine;

import io.runstream.model.Preprocessing;
import io.runstream.model.Preprocessing.Kind;
import io.runstream.model.ProblemType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The columnar fast path encodes exactly what the shared row-by-row apply side (used by inference) encodes. */
class TypedColumnsTest {

    private static final int ROWS = 1600;
    private static final int TRAIN = 1200;

    @Test
    void columnarEncoding_equalsTheSharedRowEncoding_bitForBit() {
        Random random = new Random(7);
        List<String> columns = List.of("id", "amount", "flag", "day", "plan", "code", "late_text", "y");
        List<String[]> rows = new ArrayList<>();
        String[] plans = {"gold", " basic ", "plus", "", "n/a"};
        for (int r = 0; r < ROWS; r++) {
            String amount = switch (r % 23) {
                case 0 -> "";
                case 1 -> r >= TRAIN ? "yes" : "3"; // a boolean word in a numeric column, outside the training rows
                case 2 -> " 12.5 ";
                case 3 -> "1_000";
                case 4 -> "NaN";
                default -> Double.toString(random.nextGaussian() * 10);
            };
            String flag = r % 7 == 0 ? "" : random.nextBoolean() ? "true" : "No";
            String day = r % 11 == 0 ? "null" : "2024-03-" + String.format("%02d", 1 + r % 28);
            String code = Integer.toString(random.nextInt(5));  // numeric text declared as a category
            String lateText = r < TRAIN ? Integer.toString(r) : "x" + r; // numeric in the first rows only
            rows.add(new String[]{"r" + r, amount, flag, day, plans[r % plans.length], code, lateText,
                    Integer.toString(random.nextInt(2))});
        }
        DataTable table = DataTable.of(columns, rows);
        int[] train = new int[TRAIN];
        Arrays.setAll(train, i -> i);
        int[] all = new int[rows.size()];
        Arrays.setAll(all, i -> all.length - 1 - i);
        TypedColumns typed = new TypedColumns(table);
        List<ColumnSpec> specs = List.of(new ColumnSpec("id", null, ColumnRole.ID),
                new ColumnSpec("code", "String", ColumnRole.FEATURE), new ColumnSpec("y", "Integer", ColumnRole.TARGET));
        List<String> targets = rows.stream().map(row -> row[7]).toList();
        Preprocessing pre = PreprocessingFit.fit(typed, specs, ProblemType.CLASSIFICATION, train, 50, targets);
        try (Parallel parallel = new Parallel(3)) {  // features fitted on 3 threads: the same artifact
            assertThat(PreprocessingFit.fit(new TypedColumns(table), specs, ProblemType.CLASSIFICATION, train, 50, targets,
                    parallel)).isEqualTo(pre);
        }

        assertThat(pre.features()).extracting(Preprocessing.Feature::kind).containsExactly(Kind.NUMERIC, Kind.BOOLEAN,
                Kind.DATE, Kind.CATEGORICAL, Kind.CATEGORICAL, Kind.NUMERIC);
        float[] columnar = typed.encode(pre, all);
        Map<String, Integer> index = table.index();
        int width = pre.width();
        float[] expected = new float[all.length * width];
        for (int i = 0; i < all.length; i++) {
            String[] row = rows.get(all[i]);
            pre.encode(name -> row[index.get(name)], expected, i * width);
        }
        assertThat(columnar).containsExactly(expected);
        int[] firstPart = Arrays.copyOfRange(all, 0, 700);
        int[] secondPart = Arrays.copyOfRange(all, 700, all.length);
        float[][] split;
        try (Parallel parallel = new Parallel(3)) {
            split = typed.encodeSplit(pre, parallel, firstPart, secondPart);  // 3 parts of the table
        }
        assertThat(split[0]).containsExactly(Arrays.copyOfRange(expected, 0, 700 * width));
        assertThat(split[1]).containsExactly(Arrays.copyOfRange(expected, 700 * width, expected.length));
    }

    @Test
    void kthSmallest_answersWhatASortAnswers() {
        Random random = new Random(3);
        for (int n = 1; n < 300; n += 7) {
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(4) == 0 ? random.nextInt(5) : random.nextGaussian();
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < n; k += 3) {
                assertThat(PreprocessingFit.kthSmallest(values.clone(), k)).as("n=%d k=%d", n, k).isEqualTo(sorted[k]);
            }
        }
    }

    @Test
    void textColumn_isNotParsedAsNumbers() {
        List<String[]> rows = new ArrayList<>();
        for (int r = 0; r < 100; r++) {
            rows.add(new String[]{"city" + r % 3});
        }
        assertThat(new TypedColumns(DataTable.of(List.of("city"), rows)).numbers(0)).isNull();
    }
}
