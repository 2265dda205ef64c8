package io.runstream.inference.prediction;

import io.runstream.model.ForecastConfig;
import io.runstream.model.Preprocessing;
import io.runstream.platform.event.EventCodec;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Model bundles in training-service's format, trained here with XGBoost4J on generated data. */
final class TestModels {

    private static final EventCodec CODEC = new EventCodec();

    private TestModels() {
    }

    static final Preprocessing CHURN = new Preprocessing(1, "Classification", "Churn", "Boolean", List.of("false", "true"),
            List.of("CustomerID"), List.of(
            new Preprocessing.Feature("Tenure", "Integer", Preprocessing.Kind.NUMERIC, 36.0, 36.0, 20.0, null, "36"),
            new Preprocessing.Feature("MonthlyCharges", "Float", Preprocessing.Kind.NUMERIC, 70.0, 70.0, 30.0, null, "70"),
            new Preprocessing.Feature("Plan", "String", Preprocessing.Kind.CATEGORICAL, null, null, null,
                    List.of("basic", "plus", "premium"), "basic")), null);

    static String churnCsv(int rows, long seed, boolean withTarget) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("CustomerID,Tenure,MonthlyCharges,Plan" + (withTarget ? ",Churn" : "") + "\n");
        String[] plans = {"basic", "plus", "premium"};
        for (int i = 0; i < rows; i++) {
            int tenure = random.nextInt(72);
            double charges = 20 + random.nextDouble() * 100;
            String plan = plans[random.nextInt(3)];
            boolean churn = (tenure < 24 && charges > 60) || plan.equals("basic") && tenure < 6;
            csv.append("C").append(i).append(',').append(tenure).append(',')
                    .append(i % 50 == 7 ? "" : String.format(Locale.ROOT, "%.2f", charges)).append(',').append(plan);
            if (withTarget) {
                csv.append(',').append(churn);
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    static FakeUpstreams.Bundle churnBundle(long trainId, int version, long preprocessId, int rounds) throws Exception {
        String[] lines = churnCsv(1500, 11, true).split("\n");
        List<String> header = List.of(lines[0].split(","));
        int width = CHURN.width();
        float[] data = new float[(lines.length - 1) * width];
        float[] labels = new float[lines.length - 1];
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), cells[c]);
            }
            CHURN.encode(row::get, data, (i - 1) * width);
            labels[i - 1] = CHURN.label(row.get("Churn"));
        }
        DMatrix train = new DMatrix(data, lines.length - 1, width, Float.NaN);
        train.setLabel(labels);
        Booster booster = XGBoost.train(train, Map.of("objective", "binary:logistic", "nthread", 1, "verbosity", 0,
                "max_depth", 4, "eta", 0.2), rounds, Map.of(), null, null);
        return new FakeUpstreams.Bundle(trainId, version, preprocessId, "Classification", "churn",
                booster.toByteArray("json"), CODEC.mapper().writeValueAsBytes(CHURN));
    }

    /** Daily sales with a weekly pattern; the last {@code holdout} days are kept out of training. */
    static double[] seasonalSeries(int days, long seed) {
        Random random = new Random(seed);
        double[] weekly = {10, 12, 15, 20, 30, 45, 25};
        double[] values = new double[days];
        LocalDate start = LocalDate.of(2024, 1, 1);
        for (int d = 0; d < days; d++) {
            values[d] = 100 + d * 0.05 + weekly[start.plusDays(d).getDayOfWeek().getValue() - 1] + random.nextGaussian() * 2;
        }
        return values;
    }

    static FakeUpstreams.Bundle forecastBundle(long trainId, double[] series, int trainDays) throws Exception {
        List<Integer> lags = List.of(1, 2, 3, 4, 5, 6, 7);
        ForecastConfig config = new ForecastConfig("Date", null, "Day", 7, lags, null, null, 0.95);
        int width = config.width();
        LocalDate start = LocalDate.of(2024, 1, 1);
        List<Double> past = new ArrayList<>();
        past.add(series[0]);
        float[] data = new float[(trainDays - 1) * width];
        float[] labels = new float[trainDays - 1];
        for (int i = 1; i < trainDays; i++) {
            config.encode(past, start.plusDays(i).atStartOfDay(), data, (i - 1) * width);
            labels[i - 1] = (float) series[i];
            past.add(series[i]);
        }
        DMatrix train = new DMatrix(data, trainDays - 1, width, Float.NaN);
        train.setLabel(labels);
        Booster booster = XGBoost.train(train, Map.of("objective", "reg:squarederror", "nthread", 1, "verbosity", 0,
                "max_depth", 4, "eta", 0.1), 150, Map.of(), null, null);
        ForecastConfig stored = new ForecastConfig("Date", null, "Day", 7, lags,
                Map.of("", new ForecastConfig.SeriesTail(start.plusDays(trainDays - 1).atStartOfDay().toString(),
                        past.subList(past.size() - 7, past.size()))), List.of(4.0, 5.0, 6.0), 0.95);
        Preprocessing pre = new Preprocessing(1, "Forecast", "Sales", "Float", null, List.of(), List.of(), stored);
        return new FakeUpstreams.Bundle(trainId, 1, 500 + trainId, "Forecast", "sales",
                booster.toByteArray("json"), CODEC.mapper().writeValueAsString(pre).getBytes(StandardCharsets.UTF_8));
    }
}
