package io.runstream.training.predictor;

import java.time.Instant;

/** Rows of training-service's tables. */
final class Rows {

    private Rows() {
    }

    record Predictor(long id, String tenantId, String predictorName, String domain, String problemType, String createdBy,
                     Instant createdAt, Instant modifiedAt, Long activeTrainingId) {
    }

    record Training(long id, long predictorId, String tenantId, String runId, String jobId, int version, long datasetId,
                    String columns, String algorithm, String booster, boolean incremental, Long baseTrainingId,
                    boolean shapEnabled, String status, String errorCode, String errorMessage, Long preprocessId,
                    long splitSeed, Integer trainRows, Integer validationRows, Integer boostedRounds, String metrics,
                    String confusionMatrix, String modelPath, String callbackTokenHash, String createdBy,
                    Instant createdAt, Instant startedAt, Instant finishedAt, int attempt) {

        boolean terminal() {
            return status.equals("completed") || status.equals("failed") || status.equals("cancelled");
        }
    }

    record Importance(long predictorId, String tenantId, Long trainingId, String runId, String status, String shares,
                      String meanAbsShap, Integer sampleRows, String errorMessage, Instant modifiedAt, int attempt) {
    }

    /** A predictor with its latest training and its active one (may be the same, or absent). */
    record View(Predictor predictor, Training latest, Training active) {
    }
}
