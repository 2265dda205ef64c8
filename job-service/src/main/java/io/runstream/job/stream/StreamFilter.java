package io.runstream.job.stream;

import java.util.List;
import java.util.Set;

/**
 * What one SSE subscriber wants. {@code types} empty means every type; {@code statuses} and {@code tags}
 * match run events' {@code status} and {@code tags}.
 */
public record StreamFilter(String runId, String jobId, Set<String> types, List<String> statuses, List<String> tags) {

    boolean matches(StreamEvent e) {
        if (runId != null && !runId.equals(e.runId())) {
            return false;
        }
        if (jobId != null && !jobId.equals(e.jobId())) {
            return false;
        }
        if (types != null && !types.isEmpty() && !types.contains(e.type())) {
            return false;
        }
        if (statuses != null && !statuses.isEmpty()
                && (e.data() == null || !statuses.contains(e.data().path("status").asString("")))) {
            return false;
        }
        if (tags != null && !tags.isEmpty()) {
            if (e.data() == null || !e.data().path("tags").isArray()) {
                return false;
            }
            boolean any = false;
            for (var tag : e.data().path("tags")) {
                any |= tags.contains(tag.asString(""));
            }
            return any;
        }
        return true;
    }
}
