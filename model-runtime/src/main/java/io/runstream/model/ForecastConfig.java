package io.runstream.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a Forecast model sees time: the target's own lags plus calendar features of the timestamp,
 * predicted recursively one step at a time. The tail of each series is kept so that a forecast can
 * start from where the training data ended; interval half-widths per horizon step come from the
 * residuals of a recursive forecast over a held-out horizon.
 *
 * @param seriesColumn       the Id column that separates series ({@code unique_id}); null for one series
 * @param frequency          Hour, Day, Week or Month
 * @param history            per series, the last values (oldest first) and the last timestamp
 * @param intervalHalfWidths half-width of the {@code confidence} interval per horizon step (1-based index - 1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForecastConfig(String timestampColumn, String seriesColumn, String frequency, int seasonLength,
                             List<Integer> lags, Map<String, SeriesTail> history, List<Double> intervalHalfWidths,
                             double confidence) {

    public record SeriesTail(String lastTime, List<Double> values) {
    }

    private static final List<String> CALENDAR = List.of("cal_month", "cal_day_of_week", "cal_day_of_month",
            "cal_day_of_year", "cal_hour");

    @JsonIgnore
    public int width() {
        return lags.size() + CALENDAR.size();
    }

    @JsonIgnore
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        lags.forEach(lag -> names.add("lag_" + lag));
        names.addAll(CALENDAR);
        return names;
    }

    /** Encodes the features of the point at {@code time}, given the series' values before it (oldest first). */
    public void encode(List<Double> past, LocalDateTime time, float[] out, int offset) {
        int at = offset;
        for (int lag : lags) {
            int index = past.size() - lag;
            out[at++] = index >= 0 ? past.get(index).floatValue() : Float.NaN;
        }
        out[at++] = time.getMonthValue();
        out[at++] = time.getDayOfWeek().getValue();
        out[at++] = time.getDayOfMonth();
        out[at++] = time.getDayOfYear();
        out[at] = time.getHour();
    }

    public LocalDateTime next(LocalDateTime time) {
        return step(time, frequency, 1);
    }

    public static LocalDateTime step(LocalDateTime time, String frequency, int steps) {
        return switch (frequency.toLowerCase(Locale.ROOT)) {
            case "hour", "hourly", "h" -> time.plusHours(steps);
            case "week", "weekly", "w" -> time.plusWeeks(steps);
            case "month", "monthly", "m" -> time.plusMonths(steps);
            default -> time.plusDays(steps);
        };
    }

    /** The frequency a median gap between timestamps suggests. */
    public static String frequencyOf(Duration medianGap) {
        long hours = medianGap.toHours();
        if (hours <= 1) {
            return "Hour";
        }
        if (hours <= 24) {
            return "Day";
        }
        if (hours <= 24 * 7) {
            return "Week";
        }
        return "Month";
    }

    public static int seasonOf(String frequency) {
        return switch (frequency.toLowerCase(Locale.ROOT)) {
            case "hour" -> 24;
            case "week" -> 52;
            case "month" -> 12;
            default -> 7;
        };
    }
}
