package io.runstream.inference.data;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.platform.security.ServiceTokens;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

@Component
class HttpDatasetClient implements DatasetClient {

    private final WebClient http;
    private final ServiceTokens tokens;
    private final Duration timeout;

    HttpDatasetClient(WebClient.Builder http, ServiceTokens tokens, InferenceProperties properties) {
        this.http = http.baseUrl(properties.datasetServiceUrl().toString()).build();
        this.tokens = tokens;
        this.timeout = properties.upstreamTimeout();
    }

    @Override
    public Flux<DataBuffer> content(String tenant, long datasetId) {
        return tokens.token().flatMapMany(token -> http.get()
                        .uri(b -> b.path("/internal/v1/datasets/{id}/content").queryParam("tenant", tenant).build(datasetId))
                        .headers(h -> h.setBearerAuth(token))
                        .retrieve()
                        .bodyToFlux(DataBuffer.class))
                // an idle timeout: a large dataset may take minutes, but a dataset-service that stops sending
                // must fail the forecast or batch rather than hold it (and its thread) forever
                .timeout(timeout)
                .onErrorMap(TimeoutException.class, e -> new DatasetException(
                        "dataset-service sent nothing for " + timeout.toSeconds() + " s while reading dataset '" + datasetId + "'",
                        false))
                .onErrorMap(WebClientResponseException.class, e -> new DatasetException(e.getStatusCode().value() == 404
                        ? "The dataset '" + datasetId + "' does not exist"
                        : "dataset-service answered " + e.getStatusCode().value(), e.getStatusCode().value() == 404));
    }

    @Override
    public Mono<JsonNode> addFile(String tenant, long datasetId, String fileName, Path file) {
        return tokens.token().flatMap(token -> http.post()
                        .uri(b -> b.path("/internal/v1/datasets/{id}/files").queryParam("tenant", tenant)
                                .queryParam("file_name", fileName).build(datasetId))
                        .headers(h -> h.setBearerAuth(token))
                        .contentType(MediaType.parseMediaType("text/csv"))
                        .body(BodyInserters.fromResource(new FileSystemResource(file)))
                        .retrieve()
                        .bodyToMono(JsonNode.class))
                .onErrorMap(WebClientResponseException.class, e -> new DatasetException(
                        "dataset-service refused the result file: " + e.getStatusCode().value() + " "
                                + e.getResponseBodyAsString(), false));
    }
}
