package io.runstream.inference.prediction;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

/** Real-time, batch and forecast predictions, and the prediction log. */
public interface PredictionService {

    /** {@code workloadId}/{@code clientId} from headers; the body's fields win when both are given. */
    Mono<PredictionApi.PredictResponse> predict(Caller caller, PredictionApi.PredictRequest request, String workloadId,
                                                String clientId);

    Mono<PredictionApi.Form> form(Caller caller, long trainId);

    Mono<PredictionApi.PredictionList> predictions(Caller caller, long trainId, String type, String workloadId,
                                                   String clientId, Integer limit);

    Mono<PredictionApi.BatchSubmitted> submitBatch(Caller caller, PredictionApi.BatchRequest request);

    Mono<PredictionApi.BatchResult> result(Caller caller, long predictionId);

    Mono<PredictionApi.ForecastResponse> forecast(Caller caller, PredictionApi.ForecastRequest request, String workloadId,
                                                  String clientId);
}
