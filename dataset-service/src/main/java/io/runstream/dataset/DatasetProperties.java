package io.runstream.dataset;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Limits and thresholds of dataset-service ({@code runstream.dataset.*}); documented in docs/dataset-service.md. */
@ConfigurationProperties("runstream.dataset")
public record DatasetProperties(Upload upload, Validation validation, Statistics statistics, Runs runs) {

    /**
     * @param maxFileBytes  an upload part larger than this answers 413
     * @param coalesceBytes an uploaded file's content is written in pieces of about this size rather than as the
     *                      network delivers it (0: as delivered)
     */
    public record Upload(long maxFileBytes, int coalesceBytes) {
    }

    /**
     * @param inlineMaxBytes         uploads up to this size validate before the answer; larger ones as a dataset/validate run
     * @param validThreshold         a dataset is valid when at least this share of its rows is valid
     * @param maxReportedErrors      error_report lists at most this many row errors (totals per reason are always exact)
     * @param maxReportedValueChars  an offending value is cut to this many characters in the report
     * @param maxFieldChars          a CSV field longer than this fails the file (the parser's buffer limit)
     * @param previewRows            default number of rows of dataset/view and files/view
     * @param parallelism            threads that validate one file, in chunks cut at record ends; 0: one per core
     */
    public record Validation(long inlineMaxBytes, double validThreshold, int maxReportedErrors, int maxReportedValueChars,
                             int maxFieldChars, int previewRows, int parallelism) {
    }

    /**
     * @param exactDistinctLimit distinct counts are exact up to this many values per column, then a HyperLogLog estimate
     * @param reservoirSize      quantiles and histograms are exact up to this many values per column, then from a uniform reservoir sample
     */
    public record Statistics(int exactDistinctLimit, int reservoirSize, int histogramBins, int topValues) {
    }

    /** @param usageTtlHours how long a run of another service that reads a dataset blocks its deletion, at most */
    public record Runs(int heartbeatSeconds, int leaseSeconds, long progressIntervalMs, int workers, int usageTtlHours) {
    }
}
