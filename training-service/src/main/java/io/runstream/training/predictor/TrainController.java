package io.runstream.training.predictor;

import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The seed's Train API and Ray API. */
@RestController
class TrainController {

    private final PredictorService predictors;

    TrainController(PredictorService predictors) {
        this.predictors = predictors;
    }

    @PostMapping({"/api/v1/train", "/api/v1/train/"})
    @ResponseStatus(HttpStatus.CREATED)
    Mono<TrainApi.TrainCreated> create(Caller caller, @Valid @RequestBody TrainApi.TrainRequest request) {
        return predictors.create(caller, request);
    }

    @PostMapping("/api/v1/train/get_details")
    Mono<TrainApi.Details> details(Caller caller, @Valid @RequestBody TrainApi.DetailsRequest request) {
        return predictors.details(caller, request);
    }

    @GetMapping("/api/v1/train/list")
    Mono<TrainApi.TrainList> list(Caller caller) {
        return predictors.list(caller);
    }

    @GetMapping("/api/v1/train/refresh")
    Mono<TrainApi.TrainList> refresh(Caller caller) {
        return predictors.refresh(caller);
    }

    @DeleteMapping("/api/v1/train/delete/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(Caller caller, @PathVariable long id) {
        return predictors.delete(caller, id);
    }

    @PostMapping({"/api/v1/train/update", "/api/v1/train/update/"})
    Mono<TrainApi.TrainItem> update(Caller caller, @Valid @RequestBody TrainApi.UpdateRequest request) {
        return predictors.update(caller, request);
    }

    @GetMapping("/api/v1/train/download-schema/{trainId}")
    Mono<TrainApi.DownloadSchema> downloadSchema(Caller caller, @PathVariable long trainId) {
        return predictors.downloadSchema(caller, trainId);
    }

    @GetMapping("/api/v1/train/model-summary")
    Mono<TrainApi.ModelSummary> summary(Caller caller, @RequestParam("train_id") long trainId) {
        return predictors.summary(caller, trainId);
    }

    @GetMapping("/api/v1/train/view-feature-importance")
    Mono<TrainApi.FeatureImportanceView> viewImportance(Caller caller, @RequestParam("train_id") long trainId) {
        return predictors.viewImportance(caller, trainId);
    }

    @GetMapping("/api/v1/train/generate-feature-importance")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<TrainApi.JobSubmitted> generateImportance(Caller caller, @RequestParam("train_id") long trainId) {
        return predictors.generateImportance(caller, trainId);
    }

    @DeleteMapping("/api/v1/train/delete-feature-importance/{trainId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> deleteImportance(Caller caller, @PathVariable long trainId) {
        return predictors.deleteImportance(caller, trainId);
    }

    @PostMapping("/api/v1/train/result")
    Mono<TrainApi.CallbackAnswer> result(@RequestHeader(name = "X-Callback-Token", required = false) String token,
                                         @Valid @RequestBody TrainApi.ResultCallback callback) {
        return predictors.trainResult(token, callback);
    }

    @PostMapping("/api/v1/train/shap-result")
    Mono<TrainApi.CallbackAnswer> shapResult(@RequestHeader(name = "X-Callback-Token", required = false) String token,
                                             @Valid @RequestBody TrainApi.ShapCallback callback) {
        return predictors.shapResult(token, callback);
    }

    @PostMapping("/api/v1/ray/terminate_ray_job")
    Mono<TrainApi.Terminated> terminate(Caller caller,
                                        @RequestParam(name = "ray_job_id", required = false) String runId,
                                        @RequestParam(name = "usage", required = false) String usage) {
        return predictors.terminate(caller, runId, usage);
    }
}
