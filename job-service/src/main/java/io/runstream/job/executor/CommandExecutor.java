package io.runstream.job.executor;

import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunRef;

/**
 * Runs registered command jobs. The default runs them as local processes with bounded concurrency;
 * a Kubernetes Job executor can take its place.
 */
public interface CommandExecutor {

    /** Queues the run; it starts when a slot is free. Idempotent by {@code eventId}. */
    void submit(String eventId, RunRef run, RunEvents.RunCreated created);

    /** Applies a control request to a run this instance executes; false when it is not here. */
    boolean control(String runId, String controlType);
}
