package io.runstream.platform.run;

import io.runstream.platform.event.RunEvents;

/**
 * A job this service executes and announces at start: declare one as a bean and the platform
 * publishes it as {@code job.registered} (through the outbox, so it is never lost), with this
 * service as executor and source. job-service upserts it by job id, so announcing at every start
 * is idempotent.
 *
 * @param argsSchema the JSON Schema of the run's arguments, as JSON text
 */
public record BuiltInJob(String jobId, String version, String description, String argsSchema, int maxAttempts,
                         int leaseSeconds, RunEvents.Resources resources) {

    public BuiltInJob(String jobId, String version, String description, String argsSchema, int maxAttempts,
                      int leaseSeconds) {
        this(jobId, version, description, argsSchema, maxAttempts, leaseSeconds, null);
    }
}
