package io.runstream.training.engine;

/** Thrown between boosting rounds when the run was cancelled. */
public class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException() {
        super("the training was cancelled");
    }
}
