package io.runstream.platform.run;

/** The identity of one attempt of a run, as an executor reports on it. */
public record RunRef(String runId, String jobId, String tenant, int attempt) {
}
