package io.runstream.training.predictor;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

/** The Train API: predictors, their trainings, models, metrics and feature importance. */
public interface PredictorService {

    Mono<TrainApi.TrainCreated> create(Caller caller, TrainApi.TrainRequest request);

    Mono<TrainApi.Details> details(Caller caller, TrainApi.DetailsRequest request);

    Mono<TrainApi.TrainList> list(Caller caller);

    /** The list after reconciling unfinished trainings with job-service's view of their runs. */
    Mono<TrainApi.TrainList> refresh(Caller caller);

    Mono<Void> delete(Caller caller, long trainId);

    Mono<TrainApi.TrainItem> update(Caller caller, TrainApi.UpdateRequest request);

    Mono<TrainApi.DownloadSchema> downloadSchema(Caller caller, long trainId);

    Mono<TrainApi.ModelSummary> summary(Caller caller, long trainId);

    Mono<TrainApi.FeatureImportanceView> viewImportance(Caller caller, long trainId);

    Mono<TrainApi.JobSubmitted> generateImportance(Caller caller, long trainId);

    Mono<Void> deleteImportance(Caller caller, long trainId);

    Mono<TrainApi.CallbackAnswer> trainResult(String callbackToken, TrainApi.ResultCallback callback);

    Mono<TrainApi.CallbackAnswer> shapResult(String callbackToken, TrainApi.ShapCallback callback);

    /** Cancels the run with this id (the seed's "Ray job"). */
    Mono<TrainApi.Terminated> terminate(Caller caller, String runId, String usage);
}
