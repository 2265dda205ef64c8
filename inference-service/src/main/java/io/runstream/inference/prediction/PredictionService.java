package io.runstream.inference.prediction;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

/** Real-time, batch and forecast predictions, and the prediction log. */
public interface PredictionService {

    /** {@code workloadId}/{@code clientId} from headers; the body's fields win when both are given. */
    Mono<PredictionApi.PredictResponse> predict(Caller caller, PredictionApi.PredictRequest request, String workloadId,
                                                String clientId);

    Mono<PredictionApi.Form> form(Caller caller, long trainId);

    /** One page of the model's prediction log, newest first. */
    Mono<PredictionApi.PredictionList> predictions(Caller caller, PredictionQuery query);

    Mono<PredictionApi.BatchSubmitted> submitBatch(Caller caller, PredictionApi.BatchRequest request);

    Mono<PredictionApi.BatchResult> result(Caller caller, long predictionId);

    Mono<PredictionApi.ForecastResponse> forecast(Caller caller, PredictionApi.ForecastRequest request, String workloadId,
                                                  String clientId);
}
