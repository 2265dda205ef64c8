package io.runstream.dataset.statistics;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.dataset.validation.ColumnType;

import java.time.Instant;
import java.util.List;

/**
 * Per-column statistics of a dataset's validated rows, from one streaming pass.
 *
 * @param status pending, running, completed or failed (of the run that computes them)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetStatistics(long datasetId, String runId, String status, Instant createdAt, Instant generatedAt,
                                Long totalRows, List<Column> columns, String error) {

    /**
     * @param distinctIsEstimate  true past the exact bound: then {@code distinct} is a HyperLogLog estimate (±1 % typical)
     * @param quantilesExact      false past the reservoir size: median, quartiles and histogram then come from a
     *                            uniform random sample of the column (mean, std, min, max stay exact)
     * @param std                 sample standard deviation (n − 1), like pandas
     * @param topValuesExact      false when the column had more distinct values than are tracked
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String columnName, ColumnType dataType, long count, long missing, long distinct,
                         boolean distinctIsEstimate, Double mean, Double std, Double min, Double max, Double median,
                         Double q1, Double q3, Boolean quantilesExact, Histogram histogram, List<TopValue> topValues,
                         Boolean topValuesExact, String minValue, String maxValue) {
    }

    /** {@code counts[i]} values in [{@code edges[i]}, {@code edges[i+1]}) — the last bin includes its upper edge. */
    public record Histogram(List<Double> edges, List<Long> counts, boolean exact) {
    }

    public record TopValue(String value, long count) {
    }
}
