package io.runstream.inference.prediction;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Requests and answers of the Inference API, in the seed's shapes. */
public final class PredictionApi {

    private PredictionApi() {
    }

    public record PredictRequest(@NotNull @Positive Long trainId, @NotNull @Positive Long preprocessId,
                                 @NotNull JsonNode features, @NotBlank String target,
                                 @Size(max = 200) String workloadId, @Size(max = 200) String clientId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PredictResponse(long predictionId, long trainId, int modelVersion, long preprocessId, String target,
                                  Object prediction, Map<String, Double> probabilities, double latencyMs) {
    }

    public record FormField(String columnName, String dataType, String defaultValue) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Form(long id, List<FormField> headers, String target, long preprocessId, int modelVersion,
                       String problemType) {
    }

    public record BatchRequest(@NotNull @Positive Long trainId, @NotNull @Positive Long datasetId) {
    }

    public record BatchSubmitted(long predictionId, String runId, String status, long trainId, long datasetId) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record BatchResult(String status, String resultPath, Object fileId, Long datasetId, long predictionId,
                              String runId, Long noOfRecords, Double accuracy, String error) {
    }

    public record ForecastRequest(@NotNull @Positive Long trainId, @NotNull @Positive Long preprocessId,
                                  @NotNull @Positive @Max(100000) Integer steps, @NotBlank String frequency,
                                  @NotBlank String uniqueId, @Positive Long datasetId, @Size(max = 200) String workloadId,
                                  @Size(max = 200) String clientId) {
    }

    public record ForecastPoint(String date, double value, double confidence, double lower, double upper) {
    }

    public record ForecastResponse(List<ForecastPoint> forecast, long trainId, int modelVersion, String uniqueId,
                                   String frequency, long predictionId) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PredictionItem(long predictionId, long trainId, Instant date, Long datasetId, String predictorName,
                                 String predictionType, String inputData, String status, Long noOfRecords,
                                 Double accuracy, String problemType, String domainName, Integer modelVersion,
                                 Long preprocessId, JsonNode input, JsonNode output, Double latencyMs,
                                 String workloadId, String clientId, String runId, String error) {
    }

    /**
     * One page of the log: {@code total} rows match the filters; {@code next_cursor} (absent on the last page) is
     * the {@code cursor} of the next one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PredictionList(long total, int limit, int offset, String nextCursor, List<PredictionItem> data) {
    }
}
