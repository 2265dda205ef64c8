package io.runstream.training.engine;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's bundled libxgboost4j.so must load and train on the JDK the service runs on. */
class XgboostNativeLibraryTest {

    @Test
    void bundledNativeLibrary_loadsAndLearnsAThreshold() throws Exception {
        int rows = 200;
        float[] data = new float[rows];
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            data[i] = i / (float) rows;
            labels[i] = data[i] > 0.5f ? 1 : 0;
        }
        DMatrix train = new DMatrix(data, rows, 1, Float.NaN);
        train.setLabel(labels);
        Booster booster = XGBoost.train(train, Map.of("objective", "binary:logistic", "nthread", 1, "verbosity", 0),
                10, Map.of(), null, null);
        float[][] predictions = booster.predict(train);
        assertThat(predictions[rows - 1][0]).isGreaterThan(0.8f);
        assertThat(predictions[0][0]).isLessThan(0.2f);
    }
}
