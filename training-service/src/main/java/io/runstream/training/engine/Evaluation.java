package io.runstream.training.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation metrics of a model, next to the same metrics of a trivial baseline (the majority class,
 * or the training mean) so that a reader sees at once whether the model learned anything.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evaluation(Map<String, Double> metrics, List<List<Long>> confusionMatrix) {

    /** {@code probabilities[i]} holds P(class k) for binary (one column: P(class 1)) or multiclass rows. */
    public static Evaluation classification(float[][] probabilities, float[] labels, int classes, float[] trainLabels) {
        int n = labels.length;
        long[][] confusion = new long[classes][classes];
        double logLoss = 0;
        int[] predicted = new int[n];
        double[] positive = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = probabilitiesOf(probabilities[i], classes);
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (p[k] > p[best]) {
                    best = k;
                }
            }
            predicted[i] = best;
            int actual = (int) labels[i];
            confusion[actual][best]++;
            logLoss -= Math.log(Math.max(1e-15, Math.min(1 - 1e-15, p[actual])));
            positive[i] = classes == 2 ? p[1] : 0;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        long correct = 0;
        for (int k = 0; k < classes; k++) {
            correct += confusion[k][k];
        }
        metrics.put("accuracy", n == 0 ? 0 : (double) correct / n);
        if (classes == 2) {
            double tp = confusion[1][1];
            double fp = confusion[0][1];
            double fn = confusion[1][0];
            double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
            double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
            metrics.put("precision", precision);
            metrics.put("recall", recall);
            metrics.put("f1_score", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
            double auc = rocAuc(positive, labels);
            if (!Double.isNaN(auc)) {
                metrics.put("roc_auc", auc);
            }
        } else {
            double precisionSum = 0;
            double recallSum = 0;
            double f1Sum = 0;
            for (int k = 0; k < classes; k++) {
                long tp = confusion[k][k];
                long predictedK = 0;
                long actualK = 0;
                for (int j = 0; j < classes; j++) {
                    predictedK += confusion[j][k];
                    actualK += confusion[k][j];
                }
                double precision = predictedK == 0 ? 0 : (double) tp / predictedK;
                double recall = actualK == 0 ? 0 : (double) tp / actualK;
                precisionSum += precision;
                recallSum += recall;
                f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            }
            metrics.put("precision", precisionSum / classes);
            metrics.put("recall", recallSum / classes);
            metrics.put("f1_score", f1Sum / classes);
        }
        metrics.put("log_loss", n == 0 ? 0 : logLoss / n);
        int majority = majority(trainLabels, classes);
        long baselineCorrect = 0;
        for (float label : labels) {
            if ((int) label == majority) {
                baselineCorrect++;
            }
        }
        metrics.put("baseline_accuracy", n == 0 ? 0 : (double) baselineCorrect / n);
        metrics.put("validation_rows", (double) n);
        List<List<Long>> matrix = new ArrayList<>();
        for (long[] row : confusion) {
            matrix.add(Arrays.stream(row).boxed().toList());
        }
        return new Evaluation(metrics, matrix);
    }

    public static Evaluation regression(float[] predictions, float[] labels, float[] trainLabels) {
        int n = labels.length;
        double mean = 0;
        for (float label : labels) {
            mean += label;
        }
        mean = n == 0 ? 0 : mean / n;
        double trainMean = 0;
        for (float label : trainLabels) {
            trainMean += label;
        }
        trainMean = trainLabels.length == 0 ? 0 : trainMean / trainLabels.length;
        double sse = 0;
        double sae = 0;
        double sst = 0;
        double baselineSse = 0;
        for (int i = 0; i < n; i++) {
            double error = predictions[i] - labels[i];
            sse += error * error;
            sae += Math.abs(error);
            sst += (labels[i] - mean) * (labels[i] - mean);
            baselineSse += (trainMean - labels[i]) * (trainMean - labels[i]);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rmse", n == 0 ? 0 : Math.sqrt(sse / n));
        metrics.put("mae", n == 0 ? 0 : sae / n);
        metrics.put("r2", sst == 0 ? 0 : 1 - sse / sst);
        metrics.put("baseline_rmse", n == 0 ? 0 : Math.sqrt(baselineSse / n));
        metrics.put("validation_rows", (double) n);
        return new Evaluation(metrics, null);
    }

    static double[] probabilitiesOf(float[] row, int classes) {
        double[] p = new double[classes];
        if (classes == 2 && row.length == 1) {
            p[1] = row[0];
            p[0] = 1 - row[0];
        } else {
            for (int k = 0; k < classes; k++) {
                p[k] = row[k];
            }
        }
        return p;
    }

    /** The probability that a random positive scores above a random negative (ties count half). */
    static double rocAuc(double[] scores, float[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    static int majority(float[] labels, int classes) {
        long[] counts = new long[classes];
        for (float label : labels) {
            counts[(int) label]++;
        }
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (counts[k] > counts[best]) {
                best = k;
            }
        }
        return best;
    }
}
