package io.runstream.job.artifact;

import io.runstream.platform.run.RunIds;

final class ArtifactIds {

    private ArtifactIds() {
    }

    /** {@code artifact_} + a ULID, like flwd's ids. */
    static String next() {
        return "artifact_" + RunIds.newRunId().substring(RunIds.PREFIX.length());
    }
}
