package io.runstream.model;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** Recursive multi-step forecasting: each predicted value becomes a lag of the next step. */
public final class Forecaster {

    private Forecaster() {
    }

    public static List<Double> forecast(Booster booster, ForecastConfig config, List<Double> history,
                                        LocalDateTime lastTime, int steps) throws XGBoostError {
        List<Double> past = new ArrayList<>(history);
        List<Double> out = new ArrayList<>();
        LocalDateTime time = lastTime;
        float[] features = new float[config.width()];
        for (int step = 0; step < steps; step++) {
            time = config.next(time);
            config.encode(past, time, features, 0);
            DMatrix row = new DMatrix(features, 1, features.length, Float.NaN);
            try {
                double value = booster.predict(row)[0][0];
                out.add(value);
                past.add(value);
            } finally {
                row.dispose();
            }
        }
        return out;
    }
}
