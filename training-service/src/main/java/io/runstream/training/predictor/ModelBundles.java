package io.runstream.training.predictor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;

/** Model bundles as other services (inference) fetch them through the internal endpoints. */
public interface ModelBundles {

    /** The active model of a predictor: 404 unknown, 409 not trained yet. */
    Mono<BundleInfo> bundle(Caller caller, String tenant, long trainId);

    /** One file of a bundle version (the active one when {@code version} is null). */
    Mono<Path> file(Caller caller, String tenant, long trainId, String name, Integer version);

    /** The callback token and URLs an external engine needs for a run. */
    Mono<CallbackInfo> callback(Caller caller, String tenant, String runId);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BundleInfo(long trainId, String tenantId, String predictorName, String problemType, String domain,
                      int modelVersion, long preprocessId, String booster, String status, String runId,
                      Map<String, Double> metrics, JsonNode manifest) {
    }

    record CallbackInfo(String runId, long trainId, String callbackToken, String resultPath, String shapResultPath) {
    }
}
