package io.runstream.training.engine;

/**
 * Knobs of a training.
 *
 * @param rounds                boosting rounds per booster
 * @param threads               XGBoost's {@code nthread}
 * @param validationFraction    share of rows held out for validation
 * @param minRows               fewer usable rows than this fail the training
 * @param maxCategories         one-hot categories kept per categorical feature (the most frequent)
 * @param earlyStoppingRounds   stop when the validation metric has not improved for this many rounds (0 = never)
 * @param shapSampleRows        rows sampled to compute feature importance
 * @param learningRate          {@code eta} of the tree booster
 * @param maxDepth              {@code max_depth} of the tree booster
 * @param preprocessThreads     threads that read the CSV and fit the preprocessing of one training,
 *                              its worker included (1: the worker alone; see {@link #autoPreprocessThreads})
 */
public record EngineOptions(int rounds, int threads, double validationFraction, int minRows, int maxCategories,
                            int earlyStoppingRounds, int shapSampleRows, double learningRate, int maxDepth,
                            int preprocessThreads) {

    public static EngineOptions defaults() {
        return new EngineOptions(100, 1, 0.2, 20, 50, 20, 1000, 0.1, 6, autoPreprocessThreads());
    }

    /**
     * One thread per core, at most 4, from 3 cores on; 1 (the worker alone) on 1 or 2 cores: there
     * a cold JVM's JIT compiler threads already use the second core while a first training reads,
     * and a helper measured no faster (bench/training).
     */
    public static int autoPreprocessThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 1 : Math.min(4, cores);
    }
}
