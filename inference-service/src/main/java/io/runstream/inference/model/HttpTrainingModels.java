package io.runstream.inference.model;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.platform.security.ServiceTokens;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Fetches model bundles from training-service with this service's own token. */
@Component
class HttpTrainingModels implements TrainingModels {

    private final WebClient http;
    private final ServiceTokens tokens;
    private final Duration timeout;

    HttpTrainingModels(WebClient.Builder http, ServiceTokens tokens, InferenceProperties properties) {
        this.http = http.baseUrl(properties.trainingServiceUrl().toString())
                .codecs(c -> c.defaultCodecs().maxInMemorySize(256 * 1024 * 1024))
                .build();
        this.tokens = tokens;
        this.timeout = properties.upstreamTimeout();
    }

    @Override
    public Mono<JsonNode> metadata(String tenant, long trainId) {
        return tokens.token().flatMap(token -> http.get()
                        .uri(b -> b.path("/internal/v1/models/{id}").queryParam("tenant", tenant).build(trainId))
                        .headers(h -> h.setBearerAuth(token))
                        .retrieve()
                        .bodyToMono(JsonNode.class))
                .transform(call -> answered(call, trainId));
    }

    @Override
    public Mono<byte[]> file(String tenant, long trainId, int version, String name) {
        return tokens.token().flatMap(token -> http.get()
                        .uri(b -> b.path("/internal/v1/models/{id}/files/{name}").queryParam("tenant", tenant)
                                .queryParam("version", version).build(trainId, name))
                        .headers(h -> h.setBearerAuth(token))
                        .retrieve()
                        .bodyToMono(byte[].class))
                .transform(call -> answered(call, trainId));
    }

    /**
     * A call to training-service with its failures as {@link ModelUnavailableException}s; bounded by
     * {@code upstream-timeout}, since a model load that never ends would be cached by {@link ModelCatalog}
     * and hold every prediction of the model.
     */
    private <T> Mono<T> answered(Mono<T> call, long trainId) {
        return call.timeout(timeout)
                .onErrorMap(TimeoutException.class, e -> new ModelUnavailableException(ModelUnavailableException.Reason.UNAVAILABLE,
                        "training-service did not answer within " + timeout.toSeconds() + " s for train '" + trainId + "'", null))
                .onErrorMap(WebClientResponseException.class, e -> unavailable(trainId, e));
    }

    private static ModelUnavailableException unavailable(long trainId, WebClientResponseException e) {
        return switch (e.getStatusCode().value()) {
            case 404 -> new ModelUnavailableException(ModelUnavailableException.Reason.NOT_FOUND,
                    "The train '" + trainId + "' does not exist", null);
            case 409 -> new ModelUnavailableException(ModelUnavailableException.Reason.NOT_TRAINED,
                    "The train '" + trainId + "' has no trained model yet", trainingStatus(e));
            default -> new ModelUnavailableException(ModelUnavailableException.Reason.UNAVAILABLE,
                    "training-service answered " + e.getStatusCode().value() + " for train '" + trainId + "'", null);
        };
    }

    private static String trainingStatus(WebClientResponseException e) {
        try {
            return JsonMapper.builder().build().readTree(e.getResponseBodyAsString()).path("training_status").asString(null);
        } catch (RuntimeException ignored) {
            return null;
        }
    }
}
