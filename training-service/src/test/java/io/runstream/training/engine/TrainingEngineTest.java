package io.runstream.training.engine;

import io.runstream.model.ProblemType;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainingEngineTest {

    private final TrainingEngine engine = new TrainingEngine(new EngineOptions(60, 1, 0.2, 20, 50, 0, 500, 0.1, 4, 2));

    private static final List<ColumnSpec> CHURN = List.of(new ColumnSpec("CustomerID", "String", ColumnRole.ID),
            new ColumnSpec("Churn", "Boolean", ColumnRole.TARGET));

    @Test
    void classification_beatsTheMajorityClass_andReportsEveryRound() {
        List<Double> rounds = new ArrayList<>();
        var result = engine.train(Datasets.table(Datasets.churnCsv(2000, 1)), CHURN, ProblemType.CLASSIFICATION,
                Algorithm.GBTREE, 7, null, new RecordingListener(rounds));
        Map<String, Double> metrics = result.evaluation().metrics();
        assertThat(metrics.get("accuracy")).isGreaterThan(metrics.get("baseline_accuracy") + 0.1);
        assertThat(metrics.get("roc_auc")).isGreaterThan(0.85);
        assertThat(metrics).containsKeys("precision", "recall", "f1_score", "log_loss");
        assertThat(result.evaluation().confusionMatrix()).hasSize(2);
        assertThat(rounds).hasSize(60);
        assertThat(rounds.get(59)).isLessThan(rounds.get(0));
        assertThat(result.preprocessing().classes()).containsExactly("false", "true");
        assertThat(result.preprocessing().idColumns()).containsExactly("CustomerID");
    }

    @Test
    void regression_beatsTheMean_withBothBoostersUnderAuto() {
        var result = engine.train(Datasets.table(Datasets.housesCsv(1500, 2)),
                List.of(new ColumnSpec("Id", null, ColumnRole.ID), new ColumnSpec("Price", "Float", ColumnRole.TARGET)),
                ProblemType.REGRESSION, Algorithm.AUTO, 3, null, TrainingListener.NONE);
        Map<String, Double> metrics = result.evaluation().metrics();
        assertThat(metrics.get("rmse")).isLessThan(metrics.get("baseline_rmse") * 0.3);
        assertThat(metrics.get("r2")).isGreaterThan(0.9);
        assertThat(result.booster()).isIn("gbtree", "gblinear");
    }

    @Test
    void shapValues_sumToTheMarginMinusTheBaseValue() throws Exception {
        var result = engine.train(Datasets.table(Datasets.churnCsv(800, 3)), CHURN, ProblemType.CLASSIFICATION,
                Algorithm.GBTREE, 7, null, TrainingListener.NONE);
        int width = result.preprocessing().width();
        Booster booster = TrainingEngine.load(result.model());
        DMatrix rows = new DMatrix(result.explainSample(), result.explainRows(), width, Float.NaN);
        float[][] contributions = booster.predictContrib(rows, 0);
        float[][] margins = booster.predict(rows, true);
        for (int i = 0; i < contributions.length; i++) {
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += contributions[i][j];
            }
            double base = contributions[i][width];
            assertThat(sum).isCloseTo(margins[i][0] - base, within(1e-3));
        }
        var importance = engine.importance(result.preprocessing(), result.model(), result.explainSample(), result.explainRows());
        assertThat(importance.shares().keySet().iterator().next()).isIn("Tenure", "MonthlyCharges");
        assertThat(importance.shares().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-6));
        assertThat(importance.shares().get("Noise")).isLessThan(importance.shares().get("Tenure"));
    }

    @Test
    void incrementalTraining_continuesFromThePreviousBooster() {
        var first = engine.train(Datasets.table(Datasets.churnCsv(600, 4)), CHURN, ProblemType.CLASSIFICATION,
                Algorithm.GBTREE, 7, null, TrainingListener.NONE);
        var second = engine.train(Datasets.table(Datasets.churnCsv(600, 5)), CHURN, ProblemType.CLASSIFICATION,
                Algorithm.GBTREE, 7, new TrainingEngine.Base(first.preprocessing(), first.model(), first.booster()),
                TrainingListener.NONE);
        assertThat(second.boostedRounds()).isEqualTo(first.boostedRounds() + 60);
        assertThat(second.preprocessing()).isEqualTo(first.preprocessing());
    }

    @Test
    void cancel_stopsAtTheNextRound() {
        AtomicInteger rounds = new AtomicInteger();
        TrainingListener cancelAfterThree = new RecordingListener(new ArrayList<>()) {
            @Override
            public void round(String booster, int round, int total, double progress, String metric, double value) {
                rounds.incrementAndGet();
            }

            @Override
            public boolean cancelled() {
                return rounds.get() >= 3;
            }
        };
        assertThatThrownBy(() -> engine.train(Datasets.table(Datasets.churnCsv(300, 6)), CHURN,
                ProblemType.CLASSIFICATION, Algorithm.GBTREE, 7, null, cancelAfterThree))
                .isInstanceOf(TrainingCancelledException.class);
        assertThat(rounds.get()).isEqualTo(3);
    }

    @Test
    void clearFailures_forMissingTarget_oneClass_andTooFewRows() {
        DataTable churn = Datasets.table(Datasets.churnCsv(100, 8));
        assertThatThrownBy(() -> engine.train(churn, List.of(new ColumnSpec("Nope", null, ColumnRole.TARGET)),
                ProblemType.CLASSIFICATION, Algorithm.GBTREE, 1, null, TrainingListener.NONE))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.code()).isEqualTo("target-missing"));
        assertThatThrownBy(() -> engine.train(churn, List.of(new ColumnSpec("Plan", null, ColumnRole.TARGET)),
                ProblemType.REGRESSION, Algorithm.GBTREE, 1, null, TrainingListener.NONE))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.code()).isEqualTo("target-not-numeric"));
        DataTable oneClass = Datasets.table("a,y\n" + "1,yes\n".repeat(50));
        assertThatThrownBy(() -> engine.train(oneClass, List.of(new ColumnSpec("y", null, ColumnRole.TARGET)),
                ProblemType.CLASSIFICATION, Algorithm.GBTREE, 1, null, TrainingListener.NONE))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.code()).isEqualTo("one-class"));
        DataTable tiny = Datasets.table("a,y\n1,0\n2,1\n3,0\n");
        assertThatThrownBy(() -> engine.train(tiny, List.of(new ColumnSpec("y", null, ColumnRole.TARGET)),
                ProblemType.CLASSIFICATION, Algorithm.GBTREE, 1, null, TrainingListener.NONE))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.code()).isEqualTo("too-few-rows"));
    }

    @Test
    void forecast_ofAWeeklySeasonalSeries_beatsTheNaiveForecast() {
        var result = engine.train(Datasets.table(Datasets.seasonalCsv(365, 9)),
                List.of(new ColumnSpec("Store", null, ColumnRole.ID), new ColumnSpec("Date", "Date", ColumnRole.TIMESTAMP),
                        new ColumnSpec("Sales", "Float", ColumnRole.TARGET)),
                ProblemType.FORECAST, Algorithm.GBTREE, 1, null, TrainingListener.NONE);
        Map<String, Double> metrics = result.evaluation().metrics();
        assertThat(metrics.get("rmse")).isLessThan(metrics.get("naive_rmse"));
        assertThat(result.preprocessing().forecast().frequency()).isEqualTo("Day");
        assertThat(result.preprocessing().forecast().history()).containsKey("S1");
        assertThat(result.preprocessing().forecast().intervalHalfWidths()).isNotEmpty();
    }

    private static class RecordingListener implements TrainingListener {
        private final List<Double> values;

        RecordingListener(List<Double> values) {
            this.values = values;
        }

        @Override
        public void stepStarted(String step) {
        }

        @Override
        public void stepFinished(String step) {
        }

        @Override
        public void round(String booster, int round, int total, double progress, String metric, double value) {
            values.add(value);
        }

        @Override
        public void log(String message) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    }
}
