package io.runstream.training.engine;

import io.runstream.model.ForecastConfig;
import io.runstream.model.Forecaster;
import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import io.runstream.model.Values;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains XGBoost models on a {@link DataTable}: preprocessing learned on a seeded training split,
 * boosting one round at a time (so that every round reports its validation metric and a cancel
 * stops at the next round), evaluation on the validation split, and feature importance as mean
 * |SHAP| from the booster's own TreeSHAP contributions. Blocking CPU work: call it from a worker
 * thread, never from an event loop.
 */
public final class TrainingEngine implements AutoCloseable {

    private final EngineOptions options;
    private final Parallel parallel;

    public TrainingEngine(EngineOptions options) {
        this.options = options;
        this.parallel = new Parallel(options.preprocessThreads());
    }

    /** Reads a training CSV file, with up to {@code preprocessThreads} threads (see {@link DataTable#readCsv(Path)}). */
    public DataTable read(Path file) {
        return DataTable.readCsv(file, parallel);
    }

    /** Stops the helper threads. */
    @Override
    public void close() {
        parallel.close();
    }

    /** The model a training continues from ({@code is_incremental}). */
    public record Base(Preprocessing preprocessing, byte[] model, String booster) {
    }

    /**
     * A trained model.
     *
     * @param model              the booster in XGBoost's JSON model format
     * @param explainSample      encoded validation rows (row-major) to compute feature importance on
     */
    public record Result(Preprocessing preprocessing, byte[] model, String booster, Evaluation evaluation,
                         int trainRows, int validationRows, long splitSeed, int boostedRounds,
                         float[] explainSample, int explainRows) {
    }

    /** Feature importance: each raw feature's share of the total mean |SHAP|, and the mean |SHAP| itself. */
    public record Importance(Map<String, Double> shares, Map<String, Double> meanAbsShap, int rows) {
    }

    record Matrix(float[] data, int rows, int cols, float[] labels) {
    }

    public Result train(DataTable table, List<ColumnSpec> columns, ProblemType type, Algorithm algorithm, long seed,
                        Base base, TrainingListener listener) {
        try {
            return type == ProblemType.FORECAST
                    ? trainForecast(table, columns, algorithm, seed, listener)
                    : trainTabular(table, columns, type, algorithm, seed, base, listener);
        } catch (XGBoostError e) {
            throw new TrainingException("engine-error", "XGBoost failed: " + e.getMessage());
        }
    }

    private Result trainTabular(DataTable table, List<ColumnSpec> columns, ProblemType type, Algorithm algorithm,
                                long seed, Base base, TrainingListener listener) throws XGBoostError {
        listener.stepStarted("preprocess");
        ColumnSpec target = requireColumns(table, columns);
        TargetColumn targets = TargetColumn.of(table, target, type);
        int[] usable = targets.usable();
        if (usable.length < options.minRows()) {
            throw new TrainingException("too-few-rows", "The dataset has " + usable.length
                    + " rows with a target value; training needs at least " + options.minRows());
        }
        if (type == ProblemType.CLASSIFICATION) {
            Set<String> distinct = new HashSet<>();
            for (String raw : targets.distinct()) {
                distinct.add(Preprocessing.normalizeClass(raw, target.dataType()));
            }
            if (distinct.size() < 2) {
                throw new TrainingException("one-class", "The target column '" + target.name()
                        + "' has only one class (" + distinct.iterator().next() + "); Classification needs at least two");
            }
        }
        int[] shuffled = usable.clone();
        shuffle(shuffled, seed);
        int validationCount = Math.max(1, (int) Math.round(shuffled.length * options.validationFraction()));
        int[] validationRows = Arrays.copyOfRange(shuffled, 0, validationCount);
        int[] trainRows = Arrays.copyOfRange(shuffled, validationCount, shuffled.length);
        TypedColumns typed = new TypedColumns(table);
        Preprocessing preprocessing = base != null ? base.preprocessing()
                : PreprocessingFit.fit(typed, columns, type, trainRows, options.maxCategories(), targets.distinct(), parallel);
        if (base != null) {
            checkCompatible(table, preprocessing, targets.distinct());
        }
        float[][] encoded = typed.encodeSplit(preprocessing, parallel, trainRows, validationRows);
        Matrix train = new Matrix(encoded[0], trainRows.length, preprocessing.width(), targets.labels(preprocessing, trainRows));
        Matrix validation = new Matrix(encoded[1], validationRows.length, preprocessing.width(),
                targets.labels(preprocessing, validationRows));
        listener.log("split " + trainRows.length + " training / " + validationRows.length + " validation rows (seed "
                + seed + "), " + preprocessing.width() + " encoded features");
        listener.stepFinished("preprocess");

        listener.stepStarted("train");
        List<String> candidates = base != null ? List.of(base.booster())
                : algorithm == Algorithm.AUTO ? List.of("gbtree", "gblinear") : List.of(algorithm.booster());
        Booster best = null;
        String bestName = null;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int c = 0; c < candidates.size(); c++) {
            String name = candidates.get(c);
            Booster booster = boost(name, preprocessing, train, validation, base, seed, listener, c, candidates.size());
            double score = lastScore;
            listener.log(name + ": final validation " + metricOf(preprocessing) + " " + score);
            if (best == null || score < bestScore) {
                if (best != null) {
                    best.dispose();
                }
                best = booster;
                bestName = name;
                bestScore = score;
            } else {
                booster.dispose();
            }
        }
        if (candidates.size() > 1) {
            listener.log("auto kept " + bestName);
        }
        listener.stepFinished("train");

        listener.stepStarted("evaluate");
        Evaluation evaluation = evaluate(best, preprocessing, validation, train.labels());
        listener.log("validation metrics " + evaluation.metrics());
        listener.stepFinished("evaluate");
        byte[] model = best.toByteArray("json");
        int rounds = best.getNumBoostedRound();
        best.dispose();
        int sample = Math.min(validation.rows(), options.shapSampleRows());
        return new Result(preprocessing, model, bestName, evaluation, trainRows.length, validationRows.length, seed,
                rounds, Arrays.copyOf(validation.data(), sample * validation.cols()), sample);
    }

    private double lastScore;

    private Booster boost(String boosterName, Preprocessing preprocessing, Matrix train, Matrix validation, Base base,
                          long seed, TrainingListener listener, int candidate, int candidates) throws XGBoostError {
        Map<String, Object> params = params(boosterName, preprocessing, seed);
        DMatrix dtrain = matrix(train);
        DMatrix dvalid = matrix(validation);
        try {
            Booster booster = base != null ? load(base.model()) : XGBoost.train(dtrain, params, 0, Map.of(), null, null);
            booster.setParams(params);
            int start = booster.getNumBoostedRound();
            String metric = metricOf(preprocessing);
            double best = Double.POSITIVE_INFINITY;
            int sinceBest = 0;
            lastScore = Double.POSITIVE_INFINITY;
            for (int round = 0; round < options.rounds(); round++) {
                listener.roundBoundary();
                if (listener.cancelled()) {
                    booster.dispose();
                    throw new TrainingCancelledException();
                }
                booster.update(dtrain, start + round);
                String evaluation = booster.evalSet(new DMatrix[]{dvalid}, new String[]{"validation"}, start + round);
                double value = Double.parseDouble(evaluation.substring(evaluation.lastIndexOf(':') + 1).strip());
                lastScore = value;
                double progress = (candidate + (round + 1.0) / options.rounds()) / candidates;
                listener.round(boosterName, round + 1, options.rounds(), progress, metric, value);
                if (value < best - 1e-9) {
                    best = value;
                    sinceBest = 0;
                } else if (options.earlyStoppingRounds() > 0 && ++sinceBest >= options.earlyStoppingRounds()) {
                    listener.log(boosterName + ": early stop after round " + (round + 1) + ", no improvement of "
                            + metric + " for " + sinceBest + " rounds");
                    break;
                }
            }
            return booster;
        } finally {
            dtrain.dispose();
            dvalid.dispose();
        }
    }

    private Map<String, Object> params(String boosterName, Preprocessing preprocessing, long seed) {
        Map<String, Object> params = new HashMap<>();
        params.put("booster", boosterName);
        params.put("nthread", options.threads());
        params.put("verbosity", 0);
        params.put("seed", seed);
        params.put("eval_metric", metricOf(preprocessing));
        List<String> classes = preprocessing.classes();
        if (classes != null && classes.size() > 2) {
            params.put("objective", "multi:softprob");
            params.put("num_class", classes.size());
        } else if (classes != null) {
            params.put("objective", "binary:logistic");
        } else {
            params.put("objective", "reg:squarederror");
        }
        if (boosterName.equals("gblinear")) {
            params.put("eta", 0.5);
            params.put("updater", "coord_descent");
            params.put("lambda", 0.0);
        } else {
            params.put("eta", options.learningRate());
            params.put("max_depth", options.maxDepth());
        }
        return params;
    }

    static String metricOf(Preprocessing preprocessing) {
        List<String> classes = preprocessing.classes();
        if (classes == null) {
            return "rmse";
        }
        return classes.size() > 2 ? "mlogloss" : "logloss";
    }

    private Evaluation evaluate(Booster booster, Preprocessing preprocessing, Matrix validation, float[] trainLabels)
            throws XGBoostError {
        DMatrix dvalid = matrix(validation);
        try {
            float[][] predictions = booster.predict(dvalid);
            if (preprocessing.classes() != null) {
                return Evaluation.classification(predictions, validation.labels(), preprocessing.classes().size(), trainLabels);
            }
            float[] points = new float[predictions.length];
            for (int i = 0; i < points.length; i++) {
                points[i] = predictions[i][0];
            }
            return Evaluation.regression(points, validation.labels(), trainLabels);
        } finally {
            dvalid.dispose();
        }
    }

    /** Mean |SHAP| per raw feature over {@code rows} encoded rows, from XGBoost's own contributions. */
    public Importance importance(Preprocessing preprocessing, byte[] model, float[] data, int rows) {
        if (rows == 0) {
            return new Importance(Map.of(), Map.of(), 0);
        }
        try {
            Booster booster = load(model);
            DMatrix matrix = new DMatrix(data, rows, preprocessing.width(), Float.NaN);
            try {
                float[][] contributions = booster.predictContrib(matrix, 0);
                int width = preprocessing.width();
                int[] source = preprocessing.sourceOfEncoded();
                List<String> names = preprocessing.sourceNames();
                double[] totals = new double[names.size()];
                for (float[] row : contributions) {
                    int groups = row.length / (width + 1);
                    for (int g = 0; g < groups; g++) {
                        double[] perSource = new double[names.size()];
                        for (int j = 0; j < width; j++) {
                            perSource[source[j]] += row[g * (width + 1) + j];
                        }
                        for (int s = 0; s < perSource.length; s++) {
                            totals[s] += Math.abs(perSource[s]) / groups;
                        }
                    }
                }
                double sum = Arrays.stream(totals).sum();
                Map<String, Double> meanAbs = new LinkedHashMap<>();
                Map<String, Double> shares = new LinkedHashMap<>();
                Integer[] order = new Integer[names.size()];
                for (int s = 0; s < order.length; s++) {
                    order[s] = s;
                }
                Arrays.sort(order, (a, b) -> Double.compare(totals[b], totals[a]));
                for (int s : order) {
                    meanAbs.put(names.get(s), totals[s] / contributions.length);
                    shares.put(names.get(s), sum == 0 ? 0 : totals[s] / sum);
                }
                return new Importance(shares, meanAbs, contributions.length);
            } finally {
                matrix.dispose();
                booster.dispose();
            }
        } catch (XGBoostError e) {
            throw new TrainingException("engine-error", "XGBoost failed computing SHAP values: " + e.getMessage());
        }
    }

    /** Encodes the rows of {@code table} with a stored preprocessing (for feature importance on a dataset). */
    public float[] encodeRows(DataTable table, Preprocessing preprocessing, int limit) {
        int rows = Math.min(limit, table.rowCount());
        int[] indexes = new int[rows];
        for (int i = 0; i < rows; i++) {
            indexes[i] = i;
        }
        return new TypedColumns(table).encode(preprocessing, indexes);
    }

    public static Booster load(byte[] model) throws XGBoostError {
        try {
            return XGBoost.loadModel(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DMatrix matrix(Matrix m) throws XGBoostError {
        DMatrix matrix = new DMatrix(m.data(), m.rows(), m.cols(), Float.NaN);
        matrix.setLabel(m.labels());
        return matrix;
    }

    private static ColumnSpec requireColumns(DataTable table, List<ColumnSpec> columns) {
        ColumnSpec target = columns.stream().filter(c -> c.role() == ColumnRole.TARGET).findFirst()
                .orElseThrow(() -> new TrainingException("target-missing", "No column has attribute_name Target"));
        if (table.indexOf(target.name()) < 0) {
            throw new TrainingException("target-missing", "The target column '" + target.name()
                    + "' is not in the dataset (its columns: " + String.join(", ", table.columns()) + ")");
        }
        for (ColumnSpec column : columns) {
            if (table.indexOf(column.name()) < 0) {
                throw new TrainingException("column-missing", "The column '" + column.name()
                        + "' is not in the dataset (its columns: " + String.join(", ", table.columns()) + ")");
            }
        }
        return target;
    }

    /** {@code targets}: the distinct target values, in order of first appearance. */
    private static void checkCompatible(DataTable table, Preprocessing preprocessing, List<String> targets) {
        for (Preprocessing.Feature feature : preprocessing.features()) {
            if (table.indexOf(feature.name()) < 0) {
                throw new TrainingException("column-missing", "Incremental training needs the feature '" + feature.name()
                        + "' of the previous model, and the dataset does not have it");
            }
        }
        if (preprocessing.classes() != null) {
            for (String target : targets) {
                if (Float.isNaN(preprocessing.label(target))) {
                    throw new TrainingException("new-class", "The target value '" + target
                            + "' is not a class of the previous model " + preprocessing.classes()
                            + "; train a new model instead of continuing");
                }
            }
        }
    }

    private static void shuffle(int[] values, long seed) {
        Random random = new Random(seed);
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    // ---------------------------------------------------------------- forecast

    record Point(LocalDateTime time, double value) {
    }

    private Result trainForecast(DataTable table, List<ColumnSpec> columns, Algorithm algorithm, long seed,
                                 TrainingListener listener) throws XGBoostError {
        listener.stepStarted("preprocess");
        ColumnSpec target = requireColumns(table, columns);
        ColumnSpec timestamp = columns.stream().filter(c -> c.role() == ColumnRole.TIMESTAMP).findFirst()
                .orElseThrow(() -> new TrainingException("timestamp-missing",
                        "Forecast needs a column with attribute_name Timestamp"));
        String seriesColumn = columns.stream().filter(c -> c.role() == ColumnRole.ID).map(ColumnSpec::name).findFirst()
                .orElse(null);
        int t = table.indexOf(timestamp.name());
        int y = table.indexOf(target.name());
        int s = seriesColumn == null ? -1 : table.indexOf(seriesColumn);
        Map<String, List<Point>> series = new TreeMap<>();
        int total = 0;
        for (int r = 0; r < table.rowCount(); r++) {
            String value = table.cell(r, y);
            if (Values.isMissing(value)) {
                continue;
            }
            String at = table.cell(r, t);
            LocalDateTime time = Values.dateTime(at);
            if (time == null) {
                throw new TrainingException("bad-timestamp", "The timestamp '" + at + "' (data row " + (r + 1)
                        + ") is not a date or date-time");
            }
            double number = Values.number(value).orElseThrow(() -> new TrainingException("target-not-numeric",
                    "The target column '" + target.name() + "' has a non-numeric value; Forecast needs numbers"));
            series.computeIfAbsent(s < 0 ? "" : table.cell(r, s).strip(), k -> new ArrayList<>()).add(new Point(time, number));
            total++;
        }
        if (total < options.minRows()) {
            throw new TrainingException("too-few-rows", "The dataset has " + total
                    + " points with a target value; training needs at least " + options.minRows());
        }
        series.values().forEach(points -> points.sort((a, b) -> a.time().compareTo(b.time())));
        List<Point> longest = series.values().stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow();
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < longest.size(); i++) {
            gaps.add(Duration.between(longest.get(i - 1).time(), longest.get(i).time()).toMinutes());
        }
        gaps.sort(Long::compare);
        String frequency = ForecastConfig.frequencyOf(Duration.ofMinutes(gaps.isEmpty() ? 1440 : gaps.get(gaps.size() / 2)));
        int season = ForecastConfig.seasonOf(frequency);
        int shortest = series.values().stream().mapToInt(List::size).min().orElse(0);
        int maxLag = Math.max(1, Math.min(season, shortest / 3));
        List<Integer> lags = new ArrayList<>();
        for (int lag = 1; lag <= maxLag; lag++) {
            lags.add(lag);
        }
        int horizon = Math.max(1, Math.min(season, shortest / 5));
        ForecastConfig config = new ForecastConfig(timestamp.name(), seriesColumn, frequency, season, lags, null, null, 0.95);
        Preprocessing preprocessing = new Preprocessing(Preprocessing.FORMAT_VERSION, ProblemType.FORECAST.label(),
                target.name(), target.dataType(), null, seriesColumn == null ? List.of() : List.of(seriesColumn),
                List.of(), config);
        int width = preprocessing.width();
        List<float[]> trainRows = new ArrayList<>();
        List<Float> trainLabels = new ArrayList<>();
        List<float[]> validRows = new ArrayList<>();
        List<Float> validLabels = new ArrayList<>();
        for (List<Point> points : series.values()) {
            List<Double> values = points.stream().map(Point::value).toList();
            int split = points.size() - horizon;
            for (int i = 1; i < points.size(); i++) {
                float[] features = new float[width];
                config.encode(values.subList(0, i), points.get(i).time(), features, 0);
                (i < split ? trainRows : validRows).add(features);
                (i < split ? trainLabels : validLabels).add((float) points.get(i).value());
            }
        }
        Matrix train = stack(trainRows, trainLabels, width);
        Matrix validation = stack(validRows, validLabels, width);
        listener.log(series.size() + " series, frequency " + frequency + ", lags 1.." + maxLag + ", holdout horizon "
                + horizon + " per series");
        listener.stepFinished("preprocess");

        listener.stepStarted("train");
        String boosterName = algorithm == Algorithm.GBLINEAR ? "gblinear" : "gbtree";
        Booster booster = boost(boosterName, preprocessing, train, validation, null, seed, listener, 0, 1);
        listener.stepFinished("train");

        listener.stepStarted("evaluate");
        double sse = 0;
        double sae = 0;
        double ape = 0;
        double naiveSse = 0;
        double naiveApe = 0;
        double seasonalSse = 0;
        int count = 0;
        double[] stepSse = new double[horizon];
        int[] stepCount = new int[horizon];
        Map<String, ForecastConfig.SeriesTail> history = new LinkedHashMap<>();
        for (Map.Entry<String, List<Point>> entry : series.entrySet()) {
            List<Point> points = entry.getValue();
            int split = points.size() - horizon;
            List<Double> past = new ArrayList<>(points.subList(0, split).stream().map(Point::value).toList());
            List<Double> forecast = Forecaster.forecast(booster, config, past, points.get(split - 1).time(), horizon);
            double last = past.get(past.size() - 1);
            for (int h = 0; h < horizon; h++) {
                double actual = points.get(split + h).value();
                double error = forecast.get(h) - actual;
                sse += error * error;
                sae += Math.abs(error);
                ape += actual == 0 ? 0 : Math.abs(error / actual);
                naiveSse += (last - actual) * (last - actual);
                naiveApe += actual == 0 ? 0 : Math.abs((last - actual) / actual);
                int back = split + h - season;
                double seasonal = back >= 0 && back < split ? points.get(back).value() : last;
                seasonalSse += (seasonal - actual) * (seasonal - actual);
                stepSse[h] += error * error;
                stepCount[h]++;
                count++;
            }
            List<Double> all = points.stream().map(Point::value).toList();
            history.put(entry.getKey(), new ForecastConfig.SeriesTail(points.get(points.size() - 1).time().toString(),
                    List.copyOf(all.subList(Math.max(0, all.size() - Math.max(maxLag, season)), all.size()))));
        }
        List<Double> halfWidths = new ArrayList<>();
        double cumulative = 0;
        int cumulativeCount = 0;
        for (int h = 0; h < horizon; h++) {
            cumulative += stepSse[h];
            cumulativeCount += stepCount[h];
            halfWidths.add(1.96 * Math.sqrt(cumulative / Math.max(1, cumulativeCount)));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rmse", Math.sqrt(sse / count));
        metrics.put("mae", sae / count);
        metrics.put("mape", ape / count);
        metrics.put("naive_rmse", Math.sqrt(naiveSse / count));
        metrics.put("naive_mape", naiveApe / count);
        metrics.put("seasonal_naive_rmse", Math.sqrt(seasonalSse / count));
        metrics.put("holdout_horizon", (double) horizon);
        Evaluation evaluation = new Evaluation(metrics, null);
        listener.log("holdout metrics " + metrics);
        listener.stepFinished("evaluate");
        preprocessing = preprocessing.withForecast(new ForecastConfig(timestamp.name(), seriesColumn, frequency, season,
                lags, history, halfWidths, 0.95));
        byte[] model = booster.toByteArray("json");
        int rounds = booster.getNumBoostedRound();
        booster.dispose();
        int sample = Math.min(validation.rows(), options.shapSampleRows());
        return new Result(preprocessing, model, boosterName, evaluation, train.rows(), validation.rows(), seed, rounds,
                Arrays.copyOf(validation.data(), sample * width), sample);
    }

    private static Matrix stack(List<float[]> rows, List<Float> labels, int width) {
        float[] data = new float[rows.size() * width];
        float[] y = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, data, i * width, width);
            y[i] = labels.get(i);
        }
        return new Matrix(data, rows.size(), width, y);
    }
}
