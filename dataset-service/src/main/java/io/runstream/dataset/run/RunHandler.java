package io.runstream.dataset.run;

import io.runstream.platform.run.RunRef;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The work of a built-in job this service executes, dispatched by job id. Its definition is a
 * {@link io.runstream.platform.run.BuiltInJob} bean, which platform announces at start.
 */
public interface RunHandler {

    String jobId();

    /** Does the work and answers the run's result; signals {@link RunFailure} for an expected failure. */
    Mono<JsonNode> execute(RunRef run, JsonNode args, Progress progress);

    /** The {@code dataset_id} of a run's args; a {@link RunFailure} {@code invalid_args} when it is not an integer. */
    static Mono<Long> datasetId(JsonNode args) {
        return args.path("dataset_id").canConvertToLong() ? Mono.just(args.path("dataset_id").asLong())
                : Mono.error(new RunFailure("invalid_args", "dataset_id (integer) is required"));
    }

    /**
     * The run's progress reports and control checkpoints. Cancel, pause and resume requests take
     * effect at the run's next {@link #report} or {@link #checkpoint}, so call them between chunks of work.
     */
    interface Progress {
        /**
         * Reports progress in [0, 1] (throttled by the executor). Call it from the thread doing the
         * work: while the run is paused it blocks there until resumed; throws when the run is cancelled.
         */
        void report(double progress, String message);

        /** Completes when the run may go on (at once, or once resumed); signals an error when it is cancelled. */
        Mono<Void> checkpoint();
    }

    /** A failure the run reports as its error (code, message) rather than as an internal error. */
    class RunFailure extends RuntimeException {
        private final String code;

        public RunFailure(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
