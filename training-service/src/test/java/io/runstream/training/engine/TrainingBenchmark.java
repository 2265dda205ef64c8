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
        // as the service: one thread per core (at most 4) reads the CSV and fits the preprocessing
        int preprocessThreads = Integer.getInteger("bench.preprocess-threads", EngineOptions.autoPreprocessThreads());
        int runs = Integer.getInteger("bench.java-runs", 2);
        // 200 rounds, depth 6, eta 0.1, no early stopping; one validation row (the engine always holds one out)
        TrainingEngine engine = new TrainingEngine(new EngineOptions(200, threads, 1e-6, 20, 50, 0, 0, 0.1, 6, preprocessThreads));
        // test.csv is read after the training it scores, so that the first training reads in a really cold JVM
        DataTable test = null;
        for (int run = 1; run <= runs; run++) {
            Map<String, Double> seconds = new LinkedHashMap<>();
            Map<String, Double> threadCpu = new LinkedHashMap<>();
            long cpuStart = processCpuNanos();
            long readStart = System.nanoTime();
            long readCpuStart = threadCpuNanos();
            DataTable train = engine.read(Path.of(folder, "train.csv"));
            double read = (System.nanoTime() - readStart) / 1e9;
            double readCpu = (threadCpuNanos() - readCpuStart) / 1e9;
            long start = System.nanoTime();
            var result = engine.train(train, List.of(new ColumnSpec("label", "Integer", ColumnRole.TARGET)),
                    ProblemType.CLASSIFICATION, Algorithm.GBTREE, 42, null, timing(seconds, threadCpu));
            double total = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            double fit = seconds.get("train");
            test = test != null ? test : DataTable.readCsv(Path.of(folder, "test.csv"));
            System.out.printf("java-engine xgboost4j 3.0.4 (" + threads + " threads, " + preprocessThreads
                            + " preprocess threads, " + (run == 1 ? "cold" : "warm")
                            + " JVM): fit %.2f s (train step), whole %.2f s (read CSV %.2f s + train() %.2f s: preprocess "
                            + "%.2f s, train %.2f s, evaluate %.2f s; process CPU %.2f s; calling thread's CPU: read %.2f s, "
                            + "preprocess %.2f s), accuracy %.4f%n", fit, read + total, read, total, seconds.get("preprocess"),
                    fit, seconds.get("evaluate"), cpu, readCpu, threadCpu.get("preprocess"), accuracy(result, test));
        }
    }

    /**
     * CPU time of the calling thread: what load on a shared host distorts least (waiting for a core
     * is not counted; JIT and GC threads, and helper threads, are not either).
     */
    private static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
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

    private static TrainingListener timing(Map<String, Double> seconds, Map<String, Double> threadCpu) {
        Map<String, Long> started = new HashMap<>();
        Map<String, Long> cpuStarted = new HashMap<>();
        return new TrainingListener() {
            @Override
            public void stepStarted(String step) {
                started.put(step, System.nanoTime());
                cpuStarted.put(step, threadCpuNanos());
            }

            @Override
            public void stepFinished(String step) {
                seconds.put(step, (System.nanoTime() - started.get(step)) / 1e9);
                threadCpu.put(step, (threadCpuNanos() - cpuStarted.get(step)) / 1e9);
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
