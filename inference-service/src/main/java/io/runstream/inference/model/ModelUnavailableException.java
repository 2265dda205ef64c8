package io.runstream.inference.model;

/** training-service cannot give the model: it does not exist for the tenant, is not trained yet, or is unreachable. */
public class ModelUnavailableException extends RuntimeException {

    public enum Reason { NOT_FOUND, NOT_TRAINED, UNAVAILABLE }

    private final Reason reason;
    private final String trainingStatus;

    public ModelUnavailableException(Reason reason, String message, String trainingStatus) {
        super(message);
        this.reason = reason;
        this.trainingStatus = trainingStatus;
    }

    public Reason reason() {
        return reason;
    }

    public String trainingStatus() {
        return trainingStatus;
    }
}
