package io.runstream.training.engine;

/** A training that cannot proceed, with a stable code and a sentence for the user. */
public class TrainingException extends RuntimeException {

    private final String code;

    public TrainingException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
