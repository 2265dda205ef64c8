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

    /** Reports progress in [0, 1]; throttled by the executor, safe to call from any thread. */
    interface Progress {
        void report(double progress, String message);
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
