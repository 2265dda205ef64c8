package io.runstream.training.engine;

/** What the engine tells its caller while it works; called on the training thread. */
public interface TrainingListener {

    void stepStarted(String step);

    void stepFinished(String step);

    /** After each boosting round, with the validation metric. */
    void round(String booster, int round, int totalRounds, double progress, String metric, double value);

    void log(String message);

    /** Checked before each round; a true answer stops the training with {@link TrainingCancelledException}. */
    boolean cancelled();

    /**
     * Called before each round, before {@link #cancelled()}: a paused run blocks here (the booster
     * and the data stay in memory) until it is resumed or cancelled.
     */
    default void roundBoundary() {
    }

    TrainingListener NONE = new TrainingListener() {
        @Override
        public void stepStarted(String step) {
        }

        @Override
        public void stepFinished(String step) {
        }

        @Override
        public void round(String booster, int round, int totalRounds, double progress, String metric, double value) {
        }

        @Override
        public void log(String message) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    };
}
