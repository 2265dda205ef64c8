package io.runstream.training.predictor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.security.Caller;
import io.runstream.platform.security.ServiceTokens;
import io.runstream.platform.web.Problems;
import io.runstream.training.store.ModelStore;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Service
class DefaultModelBundles implements ModelBundles {

    private static final TypeReference<LinkedHashMap<String, Double>> DOUBLES = new TypeReference<>() {
    };

    private final PredictorRepository repository;
    private final ModelStore store;
    private final EventCodec codec;
    private final CallbackTokens callbackTokens;

    DefaultModelBundles(PredictorRepository repository, ModelStore store, EventCodec codec, CallbackTokens callbackTokens) {
        this.repository = repository;
        this.store = store;
        this.codec = codec;
        this.callbackTokens = callbackTokens;
    }

    @Override
    public Mono<BundleInfo> bundle(Caller caller, String tenant, long trainId) {
        return requireService(caller, tenant)
                .then(Mono.defer(() -> repository.findPredictor(tenant, trainId)))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .flatMap(predictor -> repository.activeTraining(tenant, trainId)
                        .filter(t -> t.modelPath() != null)
                        .switchIfEmpty(Mono.defer(() -> DefaultPredictorService.optional(repository.latestTraining(tenant, trainId))
                                .flatMap(latest -> Mono.error(Problems.with(Problems.conflict("model-not-trained",
                                                "The predictor " + trainId + " has no trained model yet"),
                                        Map.of("training_status", latest.map(Rows.Training::status).orElse("none")))))))
                        .flatMap(active -> Mono.fromCallable(() -> {
                                    Path manifest = store.file(tenant, trainId, active.version(), ModelStore.MANIFEST)
                                            .orElseThrow(() -> Problems.of(HttpStatus.GONE, "model-files-missing", "Gone",
                                                    "The files of model version " + active.version() + " are missing"));
                                    return codec.mapper().readTree(Files.readString(manifest));
                                }).subscribeOn(Schedulers.boundedElastic())
                                .map(manifest -> new BundleInfo(trainId, tenant, predictor.predictorName(),
                                        predictor.problemType(), predictor.domain(), active.version(), active.preprocessId(),
                                        active.booster(), active.status(), active.runId(),
                                        active.metrics() == null ? null : codec.mapper().readValue(active.metrics(), DOUBLES),
                                        manifest))));
    }

    @Override
    public Mono<Path> file(Caller caller, String tenant, long trainId, String name, Integer version) {
        if (!ModelStore.FILES.contains(name)) {
            return Mono.error(Problems.notFound("model file", name));
        }
        Mono<Integer> resolved = version != null ? Mono.just(version)
                : repository.activeTraining(tenant, trainId).map(Rows.Training::version);
        return requireService(caller, tenant)
                .then(Mono.defer(() -> repository.findPredictor(tenant, trainId)))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("train", String.valueOf(trainId))))
                .then(resolved)
                .flatMap(v -> Mono.fromCallable(() -> store.file(tenant, trainId, v, name))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(Mono::justOrEmpty))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("model file", name)));
    }

    @Override
    public Mono<CallbackInfo> callback(Caller caller, String tenant, String runId) {
        return requireService(caller, tenant)
                .then(Mono.defer(() -> repository.findTrainingByRun(runId)))
                .filter(t -> t.tenantId().equals(tenant))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("run", runId)))
                .map(t -> new CallbackInfo(runId, t.predictorId(), callbackTokens.tokenFor(runId), "/api/v1/train/result",
                        "/api/v1/train/shap-result"));
    }

    private static Mono<Void> requireService(Caller caller, String tenant) {
        if (!ServiceTokens.isService(caller)) {
            return Mono.error(Problems.forbidden("Internal endpoints are for Runstream services"));
        }
        if (tenant == null || tenant.isBlank()) {
            return Mono.error(Problems.invalidFields("The request is invalid",
                    List.of(new Problems.FieldError("tenant", "is required"))));
        }
        return Mono.empty();
    }
}
