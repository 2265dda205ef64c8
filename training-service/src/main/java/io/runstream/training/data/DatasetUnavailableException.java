package io.runstream.training.data;

/** The dataset does not exist for the tenant, or dataset-service could not serve it. */
public class DatasetUnavailableException extends RuntimeException {

    private final boolean notFound;

    public DatasetUnavailableException(String message, boolean notFound) {
        super(message);
        this.notFound = notFound;
    }

    public boolean notFound() {
        return notFound;
    }
}
