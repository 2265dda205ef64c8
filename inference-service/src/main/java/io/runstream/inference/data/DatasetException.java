package io.runstream.inference.data;

/** dataset-service could not serve or store a dataset. */
public class DatasetException extends RuntimeException {

    private final boolean notFound;

    public DatasetException(String message, boolean notFound) {
        super(message);
        this.notFound = notFound;
    }

    public boolean notFound() {
        return notFound;
    }
}
