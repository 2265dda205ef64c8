package io.runstream.dataset.validation;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** The dataset/validate job: its id and args ({@code dataset_id}, {@code file_ids}). */
public final class ValidationJobs {

    public static final String VALIDATE = "dataset/validate";

    private ValidationJobs() {
    }

    public static JsonNode args(long datasetId, List<Long> fileIds) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("dataset_id", datasetId);
        var ids = args.putArray("file_ids");
        fileIds.forEach(ids::add);
        return args;
    }
}
