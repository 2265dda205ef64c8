package io.runstream.platform.event;

import java.util.Set;

/** The event types of DESIGN.md's topics. Names follow flwd's SSE event names. */
public final class EventTypes {

    // runstream.run-events
    public static final String RUN_CREATED = "run.created";
    public static final String RUN_STARTED = "run.started";
    public static final String RUN_PROGRESS = "run.progress";
    public static final String RUN_PAUSED = "run.paused";
    public static final String RUN_RESUMED = "run.resumed";
    public static final String RUN_FINISHED = "run.finished";
    /** An executor's sign of life for a running run; it renews the run's lease and is not streamed to clients. */
    public static final String RUN_HEARTBEAT = "run.heartbeat";
    public static final String STEP_STARTED = "step.started";
    public static final String STEP_FINISHED = "step.finished";

    // runstream.run-logs
    public static final String RUN_OUTPUT = "run.output";
    public static final String STEP_OUTPUT = "step.output";

    // runstream.run-control
    public static final String RUN_CANCEL_REQUESTED = "run.cancel-requested";
    public static final String RUN_PAUSE_REQUESTED = "run.pause-requested";
    public static final String RUN_RESUME_REQUESTED = "run.resume-requested";
    public static final String RUN_RETRY_REQUESTED = "run.retry-requested";

    // runstream.job-definitions
    public static final String JOB_REGISTERED = "job.registered";

    public static final Set<String> RUN_EVENTS = Set.of(RUN_CREATED, RUN_STARTED, RUN_PROGRESS, RUN_PAUSED,
            RUN_RESUMED, RUN_FINISHED, RUN_HEARTBEAT, STEP_STARTED, STEP_FINISHED);
    public static final Set<String> LOG_EVENTS = Set.of(RUN_OUTPUT, STEP_OUTPUT);
    public static final Set<String> CONTROL_EVENTS = Set.of(RUN_CANCEL_REQUESTED, RUN_PAUSE_REQUESTED,
            RUN_RESUME_REQUESTED, RUN_RETRY_REQUESTED);

    private EventTypes() {
    }
}
