package io.runstream.dataset.upload;

/** The query parameters of {@code POST /api/v1/dataset/upload}. */
public record NewDataset(String datasetName, String usage, Long templateId, String icebergTableName) {
}
