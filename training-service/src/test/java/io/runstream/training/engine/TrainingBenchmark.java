package io.runstream.training.engine;

import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Java side of bench/training/run.sh (not part of the test suite: its name does not end in
 * Test; it runs only with -Dtest=TrainingBenchmark -Dbench.data=folder holding train.csv/test.csv).
 */
class TrainingBenchmark {

    @Test
    void trainingEngine_onTheBenchmarkData() throws Exception {
        String folder = System.getProperty("bench.data");
        Assumptions.assumeTrue(folder != null, "bench.data not set");
        DataTable train = DataTable.readCsv(Path.of(folder, "train.csv"));
        DataTable test = DataTable.readCsv(Path.of(folder, "test.csv"));
        int threads = Integer.getInteger("bench.threads", 1);
        // 200 rounds, depth 6, eta 0.1, no early stopping; one validation row (the engine always holds one out)
        TrainingEngine engine = new TrainingEngine(new EngineOptions(200, threads, 1e-6, 20, 50, 0, 0, 0.1, 6));
        long[] trainStep = new long[2];
        TrainingListener timing = new TrainingListener() {
            @Override
            public void stepStarted(String step) {
                if (step.equals("train")) {
                    trainStep[0] = System.nanoTime();
                }
            }

            @Override
            public void stepFinished(String step) {
                if (step.equals("train")) {
                    trainStep[1] = System.nanoTime();
                }
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
        long start = System.nanoTime();
        var result = engine.train(train, List.of(new ColumnSpec("label", "Integer", ColumnRole.TARGET)),
                ProblemType.CLASSIFICATION, Algorithm.GBTREE, 42, null, timing);
        double total = (System.nanoTime() - start) / 1e9;
        Preprocessing pre = result.preprocessing();
        Map<String, Integer> index = test.index();
        int width = pre.width();
        float[] data = new float[test.rows().size() * width];
        for (int i = 0; i < test.rows().size(); i++) {
            String[] row = test.rows().get(i);
            pre.encode(name -> row[index.get(name)], data, i * width);
        }
        Booster booster = TrainingEngine.load(result.model());
        float[][] p = booster.predict(new DMatrix(data, test.rows().size(), width, Float.NaN));
        int label = index.get("label");
        long correct = 0;
        for (int i = 0; i < p.length; i++) {
            String predicted = p[i][0] > 0.5 ? pre.classes().get(1) : pre.classes().get(0);
            correct += predicted.equals(test.rows().get(i)[label].strip()) ? 1 : 0;
        }
        System.out.printf("java-engine xgboost4j 3.0.4 (" + threads + " threads): fit %.2f s (train step; %.2f s with preprocessing and "
                        + "evaluation), accuracy %.4f%n", (trainStep[1] - trainStep[0]) / 1e9, total,
                (double) correct / p.length);
    }
}
