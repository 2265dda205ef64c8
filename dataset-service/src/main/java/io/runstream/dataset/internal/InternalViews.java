package io.runstream.dataset.internal;

import io.runstream.dataset.validation.ColumnSpec;

import java.util.List;

public final class InternalViews {

    private InternalViews() {
    }

    /** A dataset's columns (null while no file has validated) and how many validated rows it has. */
    public record Schema(long datasetId, String datasetName, String usage, boolean isValid, Double datasetUsability,
                         long totalRecords, List<ColumnSpec> columns) {
    }
}
