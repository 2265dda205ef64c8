package io.runstream.dataset.statistics;

import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.ColumnType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One column's statistics, accumulated value by value in bounded memory: exact counts per value up
 * to a bound (then HyperLogLog for distinct), Welford's running mean and variance, exact min and
 * max, and a uniform reservoir sample (Vitter's algorithm R) for quantiles and the histogram.
 */
final class ColumnAccumulator {

    private final ColumnSpec column;
    private final DatasetProperties.Statistics config;
    private final Map<String, long[]> counts = new HashMap<>();
    private HyperLogLog sketch;
    private long count;
    private long missing;
    // numbers
    private long n;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final double[] reservoir;
    private int filled;
    private final SplittableRandom random = new SplittableRandom(42);
    // ordered non-numbers (Date, Timestamp)
    private String minValue;
    private String maxValue;

    ColumnAccumulator(ColumnSpec column, DatasetProperties.Statistics config) {
        this.column = column;
        this.config = config;
        this.reservoir = column.dataType().isNumeric() ? new double[config.reservoirSize()] : new double[0];
    }

    void accept(String raw) {
        if (raw == null || raw.isEmpty()) {
            missing++;
            return;
        }
        ColumnType type = column.dataType();
        String value = type == ColumnType.STRING ? raw : type.canonical(raw);
        if (value == null) {
            missing++;
            return;
        }
        count++;
        countValue(value);
        if (type.isNumeric()) {
            number(Double.parseDouble(value));
        } else if (type == ColumnType.DATE || type == ColumnType.TIMESTAMP) {
            if (minValue == null || value.compareTo(minValue) < 0) {
                minValue = value;
            }
            if (maxValue == null || value.compareTo(maxValue) > 0) {
                maxValue = value;
            }
        }
    }

    private void countValue(String value) {
        long[] counter = counts.get(value);
        if (counter != null) {
            counter[0]++;
        } else if (sketch == null && counts.size() < config.exactDistinctLimit()) {
            counts.put(value, new long[]{1});
        } else if (sketch == null) {
            sketch = new HyperLogLog();
            counts.keySet().forEach(sketch::add);
        }
        if (sketch != null) {
            sketch.add(value);
        }
    }

    private void number(double x) {
        n++;
        double delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
        min = Math.min(min, x);
        max = Math.max(max, x);
        if (filled < reservoir.length) {
            reservoir[filled++] = x;
        } else {
            long slot = random.nextLong(n);
            if (slot < reservoir.length) {
                reservoir[(int) slot] = x;
            }
        }
    }

    DatasetStatistics.Column result() {
        boolean estimated = sketch != null;
        long distinct = estimated ? Math.max(sketch.estimate(), counts.size()) : counts.size();
        List<DatasetStatistics.TopValue> top = null;
        Boolean topExact = null;
        if (!column.dataType().isNumeric() || distinct <= config.topValues()) {
            top = counts.entrySet().stream()
                    .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                    .limit(config.topValues())
                    .map(e -> new DatasetStatistics.TopValue(e.getKey(), e.getValue()[0]))
                    .toList();
            topExact = !estimated;
        }
        if (!column.dataType().isNumeric() || n == 0) {
            return new DatasetStatistics.Column(column.columnName(), column.dataType(), count, missing, distinct, estimated,
                    null, null, null, null, null, null, null, null, null, top, topExact, minValue, maxValue);
        }
        double[] sample = Arrays.copyOf(reservoir, filled);
        Arrays.sort(sample);
        boolean exact = n <= reservoir.length;
        Double std = n > 1 ? Math.sqrt(m2 / (n - 1)) : null;
        return new DatasetStatistics.Column(column.columnName(), column.dataType(), count, missing, distinct, estimated,
                mean, std, min, max, quantile(sample, 0.5), quantile(sample, 0.25), quantile(sample, 0.75), exact,
                histogram(sample, exact), top, topExact, null, null);
    }

    /** Linear interpolation between closest ranks (numpy's and pandas' default). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private DatasetStatistics.Histogram histogram(double[] sample, boolean exact) {
        int bins = min == max ? 1 : Math.max(1, config.histogramBins());
        double width = (max - min) / bins;
        long[] binCounts = new long[bins];
        for (double x : sample) {
            int bin = width == 0 ? 0 : (int) Math.min(bins - 1, Math.floor((x - min) / width));
            binCounts[Math.max(0, bin)]++;
        }
        List<Double> edges = new ArrayList<>(bins + 1);
        for (int i = 0; i <= bins; i++) {
            edges.add(i == bins ? max : min + i * width);
        }
        List<Long> scaled = new ArrayList<>(bins);
        double factor = (double) n / sample.length;
        for (long c : binCounts) {
            scaled.add(exact ? c : Math.round(c * factor));
        }
        return new DatasetStatistics.Histogram(edges, scaled, exact);
    }
}
