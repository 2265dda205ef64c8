package io.runstream.inference.prediction;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The seed's Inference API. */
@RestController
class PredictionController {

    static final String WORKLOAD_HEADER = "X-Workload-Id";
    static final String CLIENT_HEADER = "X-Client-Id";

    private final PredictionService predictions;

    private final int maxListLimit;

    PredictionController(PredictionService predictions, InferenceProperties properties) {
        this.predictions = predictions;
        this.maxListLimit = properties.maxListLimit();
    }

    @PostMapping({"/api/v1/inference", "/api/v1/inference/"})
    Mono<PredictionApi.PredictResponse> predict(Caller caller, @Valid @RequestBody PredictionApi.PredictRequest request,
                                                @RequestHeader(name = WORKLOAD_HEADER, required = false) String workloadId,
                                                @RequestHeader(name = CLIENT_HEADER, required = false) String clientId) {
        return predictions.predict(caller, request, workloadId, clientId);
    }

    @GetMapping("/api/v1/inference/form-based-prediction")
    Mono<PredictionApi.Form> form(Caller caller, @RequestParam("id") long trainId) {
        return predictions.form(caller, trainId);
    }

    @GetMapping("/api/v1/inference/predictions")
    Mono<PredictionApi.PredictionList> list(Caller caller, @RequestParam("train_id") long trainId,
                                            @RequestParam(name = "prediction_type", required = false) String type,
                                            @RequestParam(name = "workload_id", required = false) String workloadId,
                                            @RequestParam(name = "client_id", required = false) String clientId,
                                            @RequestParam(name = "limit", required = false) String limit,
                                            @RequestParam(name = "offset", required = false) String offset,
                                            @RequestParam(name = "cursor", required = false) String cursor) {
        return Mono.fromSupplier(() -> PredictionQuery.parse(trainId, type, workloadId, clientId, limit, offset, cursor,
                        maxListLimit))
                .flatMap(query -> predictions.predictions(caller, query));
    }

    @PostMapping({"/api/v1/inference/batchPrediction", "/api/v1/inference/batch-prediction"})
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<PredictionApi.BatchSubmitted> batch(Caller caller, @Valid @RequestBody PredictionApi.BatchRequest request) {
        return predictions.submitBatch(caller, request);
    }

    @GetMapping("/api/v1/inference/result")
    Mono<PredictionApi.BatchResult> result(Caller caller, @RequestParam("prediction_id") long predictionId) {
        return predictions.result(caller, predictionId);
    }

    @PostMapping("/api/v1/inference/forecast")
    Mono<PredictionApi.ForecastResponse> forecast(Caller caller, @Valid @RequestBody PredictionApi.ForecastRequest request,
                                                  @RequestHeader(name = WORKLOAD_HEADER, required = false) String workloadId,
                                                  @RequestHeader(name = CLIENT_HEADER, required = false) String clientId) {
        return predictions.forecast(caller, request, workloadId, clientId);
    }
}
