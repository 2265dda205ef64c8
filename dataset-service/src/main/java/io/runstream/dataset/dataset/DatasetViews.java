package io.runstream.dataset.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.dataset.validation.ColumnSpec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The seed's answers about datasets. */
public final class DatasetViews {

    private DatasetViews() {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Summary(long id, String tenantId, String datasetName, long fileCount, boolean isValid, String createdBy,
                          Long templateId, String dataSource, String icebergTableName, String templateName,
                          Instant createdAt, Instant modifiedAt, String datasetUsability, String usage,
                          String datasetUsage) {

        public static Summary of(DatasetRow d) {
            return new Summary(d.id(), d.tenantId(), d.datasetName(), d.fileCount(), d.isValid(), d.createdBy(),
                    d.templateId(), d.dataSource(), d.icebergTableName(), d.templateName(), d.createdAt(), d.modifiedAt(),
                    percent(d.datasetUsability()), d.usage(), Usages.label(d.usage()));
        }
    }

    public record Page(long total, List<Summary> data) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Validated(String tenantId, String datasetName, long fileCount, boolean isValid, String createdBy,
                            Long templateId, long id) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(long id, String datasetName, String datasetPath, String validatedPath, String icebergTableName,
                         String dataSource, Long templateId, String templateName, String usage, String datasetUsage,
                         boolean isValid, String datasetUsability, long fileCount, List<ColumnSpec> columns,
                         Instant createdAt, Instant modifiedAt, List<String> usedByRuns) {
    }

    public record Preview(long datasetId, List<ColumnSpec> columns, List<Map<String, Object>> preview) {
    }

    /** The seed writes usability as a percentage text ("85%"); cut, not rounded, so 99.96% never shows as 100%. */
    static String percent(Double share) {
        if (share == null) {
            return null;
        }
        BigDecimal value = BigDecimal.valueOf(share * 100).setScale(1, RoundingMode.DOWN).stripTrailingZeros();
        return value.toPlainString() + "%";
    }
}
