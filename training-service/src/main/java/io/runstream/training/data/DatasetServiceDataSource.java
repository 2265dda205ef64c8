package io.runstream.training.data;

import io.runstream.platform.security.ServiceTokens;
import io.runstream.training.config.TrainingProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reads datasets through dataset-service's internal endpoints with this service's own token. */
@Component
class DatasetServiceDataSource implements TrainingDataSource {

    private final WebClient http;
    private final ServiceTokens tokens;

    DatasetServiceDataSource(WebClient.Builder http, ServiceTokens tokens, TrainingProperties properties) {
        this.http = http.baseUrl(properties.datasetServiceUrl().toString()).build();
        this.tokens = tokens;
    }

    @Override
    public Flux<DataBuffer> content(String tenant, long datasetId) {
        return tokens.token().flatMapMany(token -> http.get()
                .uri(b -> b.path("/internal/v1/datasets/{id}/content").queryParam("tenant", tenant).build(datasetId))
                .headers(h -> h.setBearerAuth(token))
                .retrieve()
                .bodyToFlux(DataBuffer.class))
                .onErrorMap(WebClientResponseException.class, e -> unavailable(datasetId, e));
    }

    @Override
    public Mono<List<DatasetColumn>> schema(String tenant, long datasetId) {
        return tokens.token().flatMap(token -> http.get()
                .uri(b -> b.path("/internal/v1/datasets/{id}/schema").queryParam("tenant", tenant).build(datasetId))
                .headers(h -> h.setBearerAuth(token))
                .retrieve()
                .bodyToMono(JsonNode.class))
                .map(DatasetServiceDataSource::columns)
                .onErrorMap(WebClientResponseException.class, e -> unavailable(datasetId, e));
    }

    /** Accepts a bare array of columns or an object holding one under columns / schema / dataset_schema. */
    private static List<DatasetColumn> columns(JsonNode body) {
        JsonNode array = body;
        for (String field : List.of("columns", "schema", "dataset_schema", "template_schema")) {
            if (body.has(field)) {
                array = body.get(field);
                break;
            }
        }
        List<DatasetColumn> columns = new ArrayList<>();
        for (JsonNode column : array) {
            String name = column.has("column_name") ? column.get("column_name").asString() : column.path("name").asString();
            String type = column.has("data_type") ? column.get("data_type").asString() : column.path("type").asString(null);
            columns.add(new DatasetColumn(name, type));
        }
        return columns;
    }

    private static DatasetUnavailableException unavailable(long datasetId, WebClientResponseException e) {
        boolean notFound = e.getStatusCode().value() == HttpStatus.NOT_FOUND.value();
        return new DatasetUnavailableException(notFound ? "The dataset '" + datasetId + "' does not exist"
                : "dataset-service answered " + e.getStatusCode().value() + " for dataset '" + datasetId + "'", notFound);
    }
}
