package io.runstream.inference.prediction;

import io.runstream.model.ForecastConfig;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ForecastHistoryTest {

    static final ForecastConfig MULTI = new ForecastConfig("Date", "Store", "Day", 7, List.of(1, 2, 3), null, null, 0.95);

    @Test
    void keepsTheLatestPointsOfTheRequestedSeries_inTimeOrder_whateverTheRowOrder() {
        List<String> rows = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            String date = LocalDate.of(2024, 3, 1).plusDays(d).toString();
            rows.add("S1," + date + "," + d + ",x");
            rows.add("S2," + date + "," + (d == 37 ? "" : String.valueOf(1000 + d)) + ",y");
        }
        Collections.shuffle(rows, new Random(3));
        String csv = "Store,Date,Sales,Other\n" + String.join("\n", rows) + "\n";

        ForecastConfig.SeriesTail tail = ForecastHistory.read(new StringReader(csv), MULTI, "Sales", " S2 ", 9);
        assertThat(tail.lastTime()).isEqualTo("2024-04-09T00:00");
        assertThat(tail.values()).containsExactly(1032.0, 1033.0, 1034.0, 1035.0, 1036.0, 1038.0, 1039.0);
        assertThat(ForecastHistory.read(new StringReader(csv), MULTI, "Sales", "S1", 9).values())
                .containsExactly(33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0);
    }

    @Test
    void aDatasetThatCannotGiveTheSeries_isA400NamingTheField() {
        assertThat(problem("Store,Date,Sales\nS1,2024-01-01,3\n", "S9")).contains("unique_id", "S9");
        assertThat(problem("Date,Sales\n2024-01-01,3\n", "S1")).contains("dataset_id", "Store");
        assertThat(problem("Store,Day,Revenue\nS1,2024-01-01,3\n", "S1")).contains("dataset_id", "Date", "Sales");
        assertThat(problem("Store,Date,Sales\nS1,yesterday,3\n", "S1")).contains("dataset_id", "yesterday");
        assertThat(problem("Store,Date,Sales\nS1,2024-01-01,many\n", "S1")).contains("dataset_id", "many");
        assertThat(problem("", "S1")).contains("dataset_id", "empty");
    }

    static String problem(String csv, String series) {
        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class,
                () -> ForecastHistory.read(new StringReader(csv), MULTI, "Sales", series, 9));
        assertThat(e.getStatusCode().value()).isEqualTo(400);
        return String.valueOf(e.getBody().getProperties());
    }
}
