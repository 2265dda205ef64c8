package io.runstream.inference.model;

import io.runstream.model.Preprocessing;
import io.runstream.model.ProblemType;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A model bundle loaded into memory: the booster and the preprocessing it was trained with. */
public record LoadedModel(String tenant, long trainId, int version, long preprocessId, String predictorName,
                          String problemType, String domain, Preprocessing preprocessing, Booster booster,
                          Instant checkedAt) {

    /** One prediction: the predicted value or class, and class probabilities for classification. */
    public record Prediction(Object value, Map<String, Double> probabilities) {
    }

    public ProblemType type() {
        return preprocessing.type();
    }

    public LoadedModel checked(Instant at) {
        return new LoadedModel(tenant, trainId, version, preprocessId, predictorName, problemType, domain, preprocessing,
                booster, at);
    }

    /** Predicts {@code rows} encoded rows (row-major). XGBoost's prediction is thread-safe. */
    public List<Prediction> predict(float[] data, int rows) {
        try {
            DMatrix matrix = new DMatrix(data, rows, preprocessing.width(), Float.NaN);
            try {
                float[][] out = booster.predict(matrix);
                java.util.ArrayList<Prediction> predictions = new java.util.ArrayList<>(rows);
                for (float[] row : out) {
                    predictions.add(toPrediction(row));
                }
                return predictions;
            } finally {
                matrix.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to predict: " + e.getMessage(), e);
        }
    }

    private Prediction toPrediction(float[] row) {
        List<String> classes = preprocessing.classes();
        if (classes == null) {
            return new Prediction((double) row[0], null);
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        if (classes.size() == 2 && row.length == 1) {
            probabilities.put(classes.get(0), 1.0 - row[0]);
            probabilities.put(classes.get(1), (double) row[0]);
        } else {
            for (int k = 0; k < classes.size(); k++) {
                probabilities.put(classes.get(k), (double) row[k]);
            }
        }
        String best = null;
        for (Map.Entry<String, Double> entry : probabilities.entrySet()) {
            if (best == null || entry.getValue() > probabilities.get(best)) {
                best = entry.getKey();
            }
        }
        return new Prediction(best, probabilities);
    }
}
