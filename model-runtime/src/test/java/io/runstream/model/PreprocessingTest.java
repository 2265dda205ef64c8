package io.runstream.model;

import io.runstream.model.Preprocessing.Feature;
import io.runstream.model.Preprocessing.Kind;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PreprocessingTest {

    private final Preprocessing preprocessing = new Preprocessing(Preprocessing.FORMAT_VERSION, "Classification", "churn",
            "Boolean", List.of("false", "true"), List.of("id"),
            List.of(new Feature("age", "Integer", Kind.NUMERIC, 40d, 38d, 2d, null, "40"),
                    new Feature("plan", "String", Kind.CATEGORICAL, null, null, null, List.of("gold", "basic"), "gold"),
                    new Feature("active", "Boolean", Kind.BOOLEAN, 1d, 0.5, 0.5, null, "true")),
            null);

    @Test
    void encode_standardisesNumbers_oneHotsCategories_imputesMissing() {
        float[] out = new float[preprocessing.width()];
        Map<String, String> row = Map.of("age", "42", "plan", " basic ", "active", "n/a");

        preprocessing.encode(row::get, out, 0);

        assertThat(out).containsExactly(2f, 0f, 1f, 1f);
        assertThat(preprocessing.encodedNames()).containsExactly("age", "plan=gold", "plan=basic", "active");
        assertThat(preprocessing.sourceOfEncoded()).containsExactly(0, 1, 1, 2);
    }

    @Test
    void encode_unknownCategoryAndUncoercibleNumber_encodeAsZerosAndImpute() {
        float[] out = new float[preprocessing.width()];
        Map<String, String> row = Map.of("age", "old", "plan", "platinum", "active", "yes");

        preprocessing.encode(row::get, out, 0);

        assertThat(out).containsExactly(1f, 0f, 0f, 1f);
    }

    @Test
    void label_normalisesBooleanClasses_andAnswersNaNForUnknown() {
        assertThat(preprocessing.label("Yes")).isEqualTo(1f);
        assertThat(preprocessing.label("0")).isEqualTo(0f);
        assertThat(preprocessing.label("maybe")).isNaN();
        assertThat(preprocessing.label("")).isNaN();
        assertThat(preprocessing.type()).isEqualTo(ProblemType.CLASSIFICATION);
    }

    @Test
    void forecastConfig_encodesLagsAndCalendar_andStepsByFrequency() {
        ForecastConfig config = new ForecastConfig("ds", null, "Day", 7, List.of(1, 3), Map.of(), List.of(), 0.9);
        float[] out = new float[config.width()];

        config.encode(List.of(1d, 2d), LocalDateTime.of(2024, 3, 5, 6, 0), out, 0);

        assertThat(out).containsExactly(2f, Float.NaN, 3f, 2f, 5f, 65f, 6f);
        assertThat(config.next(LocalDateTime.of(2024, 3, 5, 6, 0))).isEqualTo(LocalDateTime.of(2024, 3, 6, 6, 0));
        assertThat(ForecastConfig.step(LocalDateTime.of(2024, 1, 31, 0, 0), "Month", 1)).isEqualTo(LocalDateTime.of(2024, 2, 29, 0, 0));
    }
}
