package io.runstream.training.predictor;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Requests and answers of the Train API, in the seed's shapes (snake_case on the wire). */
public final class TrainApi {

    private TrainApi() {
    }

    public record ColumnRequest(@NotBlank @Size(max = 200) String columnName, @Size(max = 50) String dataType,
                                @NotBlank String attributeName) {
    }

    public record TrainRequest(@NotNull @Positive Long datasetId,
                               @NotBlank @Size(max = 200) String predictorName,
                               @NotBlank @Size(max = 100) String domain,
                               @NotBlank String problemType,
                               @NotEmpty @Size(max = 2000) List<@Valid @NotNull ColumnRequest> columns,
                               Boolean isIncremental,
                               @Size(max = 50) String algorithm,
                               Boolean shapEnabled) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrainCreated(long id, String tenantId, String predictorName, String problemType, String domain,
                               String createdBy, long datasetId, Instant createdAt, Instant modifiedAt,
                               String trainingStatus, String runId, int modelVersion, boolean isIncremental,
                               String algorithm) {
    }

    public record DetailsRequest(@NotNull @Positive Long datasetId, @NotBlank String predictorName,
                                 @NotBlank String domain, @NotBlank String problemType) {
    }

    public record SchemaColumn(String columnName, String dataType) {
    }

    public record Details(long datasetId, String predictorName, String domain, String problemType,
                          List<SchemaColumn> datasetSchema, List<String> attributes) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TrainItem(String tenantId, String predictorName, Long preprocessId, String problemType, String domain,
                            String createdBy, long id, long datasetId, String datasetName, String dataSource,
                            Instant createdAt, Instant modifiedAt, String algorithm, String booster, Double accuracy,
                            String mlModelStatus, String trainStatus, String trainingStatus, String runId,
                            Integer modelVersion, Integer activeModelVersion, ErrorView error,
                            Map<String, Double> metrics) {
    }

    public record ErrorView(String code, String message) {
    }

    public record TrainList(int total, List<TrainItem> data) {
    }

    public record UpdateRequest(@NotNull @Positive Long trainId, @NotNull @Positive Long preprocessId) {
    }

    public record DownloadSchema(List<SchemaColumn> schema, String target, Long preprocessId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelSummary(Map<String, Object> modelSummary, List<List<Long>> confusionMatrix, Long trainId,
                               Integer modelVersion, Long preprocessId, String booster, Integer trainRows,
                               Integer validationRows, Long splitSeed, Integer boostedRounds) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FeatureImportanceView(Map<String, Double> featureImportance, String status,
                                        Map<String, Double> meanAbsShap, Integer sampleRows, Long trainId,
                                        String shapJobId, String error) {
    }

    public record JobSubmitted(String status, String message, String shapJobId) {
    }

    public record ResultCallback(@NotNull JsonNode result, Long trainId, String preprocessId) {
    }

    public record ShapCallback(@NotNull Long trainingId, @NotNull JsonNode result) {
    }

    public record CallbackAnswer(String status, String message) {
    }

    public record Terminated(String status, String message) {
    }
}
