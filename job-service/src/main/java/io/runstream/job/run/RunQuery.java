package io.runstream.job.run;

import io.runstream.platform.run.RunStatus;

import java.time.Instant;
import java.util.List;

/**
 * The filters of GET /runs and of the bulk operations. Lists are "any of"; {@code q} matches part of a
 * run id; {@code cursor} is the last run id of the previous page (keyset, newest first).
 */
public record RunQuery(String jobId, List<RunStatus> statuses, List<String> tags, Integer priority, String user,
                Instant from, Instant to, String q, List<String> ids, int limit, int offset, String cursor) {

    RunQuery withStatuses(List<RunStatus> only) {
        return new RunQuery(jobId, only, tags, priority, user, from, to, q, ids, limit, offset, cursor);
    }

    RunQuery withUser(String onlyUser) {
        return new RunQuery(jobId, statuses, tags, priority, onlyUser, from, to, q, ids, limit, offset, cursor);
    }

    RunQuery page(int newLimit, int newOffset) {
        return new RunQuery(jobId, statuses, tags, priority, user, from, to, q, ids, newLimit, newOffset, cursor);
    }
}
