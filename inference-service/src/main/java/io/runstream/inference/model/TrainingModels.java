package io.runstream.inference.model;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Where models come from: training-service's internal endpoints (a fake in tests). */
public interface TrainingModels {

    /** The active model's metadata and manifest; errors with {@link ModelUnavailableException}. */
    Mono<JsonNode> metadata(String tenant, long trainId);

    /** One file of a model version. */
    Mono<byte[]> file(String tenant, long trainId, int version, String name);
}
