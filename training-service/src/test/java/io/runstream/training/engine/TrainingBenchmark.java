package io.runstream.training.engine;

import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java side of bench/training/run.sh (not part of the test suite: its name does not end in
 * Test; it runs only with -Dtest=TrainingBenchmark -Dbench.data=folder holding train.csv/test.csv).
 * {@code bench.java-runs} (default 2) fits in one JVM: the first in a cold JVM, the later ones
 * warm (as in a long-running training-service).
 */
class TrainingBenchmark {

    @Test
    void trainingEngine_onTheBenchmarkData() throws Exception {
        String folder = System.getProperty("bench.data");
        Assumptions.assumeTrue(folder != null, "bench.data not set");
        int threads = Integer.getInteger("bench.threads", 1);
        int runs = Integer.getInteger("bench.java-runs", 2);
        DataTable test = DataTable.readCsv(Path.of(folder, "test.csv"));
        // 200 rounds, depth 6, eta 0.1, no early stopping; one validation row (the engine always holds one out)
        TrainingEngine engine = new TrainingEngine(new EngineOptions(200, threads, 1e-6, 20, 50, 0, 0, 0.1, 6));
        for (int run = 1; run <= runs; run++) {
            Map<String, Double> seconds = new LinkedHashMap<>();
            long cpuStart = processCpuNanos();
            long readStart = System.nanoTime();
            DataTable train = DataTable.readCsv(Path.of(folder, "train.csv"));
            double read = (System.nanoTime() - readStart) / 1e9;
            long start = System.nanoTime();
            var result = engine.train(train, List.of(new ColumnSpec("label", "Integer", ColumnRole.TARGET)),
                    ProblemType.CLASSIFICATION, Algorithm.GBTREE, 42, null, timing(seconds));
            double total = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            double fit = seconds.get("train");
            System.out.printf("java-engine xgboost4j 3.0.4 (" + threads + " threads, " + (run == 1 ? "cold" : "warm")
                            + " JVM): fit %.2f s (train step), whole %.2f s (read CSV %.2f s + train() %.2f s: preprocess "
                            + "%.2f s, train %.2f s, evaluate %.2f s; process CPU %.2f s), accuracy %.4f%n", fit, read + total,
                    read, total, seconds.get("preprocess"), fit, seconds.get("evaluate"), cpu, accuracy(result, test));
        }
    }

    /** CPU time of the whole JVM (JIT and GC threads included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double accuracy(TrainingEngine.Result result, DataTable test) throws Exception {
        Preprocessing pre = result.preprocessing();
        Map<String, Integer> index = test.index();
        int width = pre.width();
        int rows = test.rowCount();
        float[] data = new float[rows * width];
        for (int i = 0; i < rows; i++) {
            int row = i;
            pre.encode(name -> test.cell(row, index.get(name)), data, i * width);
        }
        Booster booster = TrainingEngine.load(result.model());
        float[][] p = booster.predict(new DMatrix(data, rows, width, Float.NaN));
        int label = index.get("label");
        long correct = 0;
        for (int i = 0; i < p.length; i++) {
            String predicted = p[i][0] > 0.5 ? pre.classes().get(1) : pre.classes().get(0);
            correct += predicted.equals(test.cell(i, label).strip()) ? 1 : 0;
        }
        booster.dispose();
        return (double) correct / p.length;
    }

    private static TrainingListener timing(Map<String, Double> seconds) {
        Map<String, Long> started = new HashMap<>();
        return new TrainingListener() {
            @Override
            public void stepStarted(String step) {
                started.put(step, System.nanoTime());
            }

            @Override
            public void stepFinished(String step) {
                seconds.put(step, (System.nanoTime() - started.get(step)) / 1e9);
            }

            @Override
            public void round(String booster, int round, int total, double progress, String metric, double value) {
            }

            @Override
            public void log(String message) {
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
    }
}
