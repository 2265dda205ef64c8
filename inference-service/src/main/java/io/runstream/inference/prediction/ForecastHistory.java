package io.runstream.inference.prediction;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.runstream.model.ForecastConfig;
import io.runstream.model.Values;
import io.runstream.platform.web.Problems;

import java.io.Reader;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.PriorityQueue;

/**
 * The tail of one series read from a dataset's CSV, so that a forecast continues the dataset
 * rather than the training data. Reads the rows once, in any order, keeping only the latest
 * {@code max(largest lag, season length)} points (as training stores them); rows without a target
 * value are skipped, as in training.
 */
final class ForecastHistory {

    private record Point(LocalDateTime time, double value, long order) {
    }

    private ForecastHistory() {
    }

    /**
     * @param uniqueId the series to read; ignored when the model has no series column
     * @throws org.springframework.web.ErrorResponseException a 400 naming {@code dataset_id} or {@code unique_id}
     *                                                         when the dataset cannot give the series
     */
    static ForecastConfig.SeriesTail read(Reader csv, ForecastConfig config, String target, String uniqueId, long datasetId) {
        int keep = Math.max(config.seasonLength(), config.lags().stream().mapToInt(Integer::intValue).max().orElse(1));
        PriorityQueue<Point> latest = new PriorityQueue<>(Comparator.comparing(Point::time).thenComparingLong(Point::order));
        String series = config.seriesColumn() == null ? null : uniqueId.strip();
        long rows = 0;
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
            int t = -1;
            int y = -1;
            int s = -1;
            boolean header = true;
            for (CsvRecord record : reader) {
                if (header) {
                    List<String> names = record.getFields().stream().map(String::strip).toList();
                    t = names.indexOf(config.timestampColumn());
                    y = names.indexOf(target);
                    s = series == null ? -1 : names.indexOf(config.seriesColumn());
                    List<String> missing = new ArrayList<>();
                    if (t < 0) {
                        missing.add(config.timestampColumn());
                    }
                    if (y < 0) {
                        missing.add(target);
                    }
                    if (series != null && s < 0) {
                        missing.add(config.seriesColumn());
                    }
                    if (!missing.isEmpty()) {
                        throw invalid("dataset_id", "the dataset '" + datasetId + "' has no column " + String.join(", ", missing)
                                + " (the model's timestamp, target and series columns)");
                    }
                    header = false;
                    continue;
                }
                rows++;
                if (s >= 0 && !cell(record, s).strip().equals(series)) {
                    continue;
                }
                String value = cell(record, y);
                if (Values.isMissing(value)) {
                    continue;
                }
                LocalDateTime time = Values.dateTime(cell(record, t));
                if (time == null) {
                    throw invalid("dataset_id", "row " + rows + " of dataset '" + datasetId + "' has the timestamp '"
                            + cell(record, t) + "', not a date or date-time");
                }
                OptionalDouble number = Values.number(value);
                if (number.isEmpty()) {
                    throw invalid("dataset_id", "row " + rows + " of dataset '" + datasetId + "' has the " + target
                            + " value '" + value + "'; a forecast needs numbers");
                }
                latest.add(new Point(time, number.getAsDouble(), rows));
                if (latest.size() > keep) {
                    latest.poll();
                }
            }
            if (header) {
                throw invalid("dataset_id", "the dataset '" + datasetId + "' is empty");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (latest.isEmpty()) {
            throw invalid(series == null ? "dataset_id" : "unique_id", series == null
                    ? "the dataset '" + datasetId + "' has no row with a " + target + " value"
                    : "the series '" + series + "' has no row with a " + target + " value in dataset '" + datasetId + "'");
        }
        List<Point> points = new ArrayList<>(latest);
        points.sort(latest.comparator());
        return new ForecastConfig.SeriesTail(points.get(points.size() - 1).time().toString(),
                points.stream().map(Point::value).toList());
    }

    private static String cell(CsvRecord record, int index) {
        return index < record.getFieldCount() ? record.getField(index) : "";
    }

    private static RuntimeException invalid(String field, String message) {
        return Problems.invalidFields("The dataset cannot give the forecast's history",
                List.of(new Problems.FieldError(field, message)));
    }
}
