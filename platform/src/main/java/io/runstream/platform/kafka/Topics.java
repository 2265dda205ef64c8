package io.runstream.platform.kafka;

import java.util.List;

/**
 * The resolved names of DESIGN.md's topics, plus {@code job-definitions} (compacted, keyed by job id)
 * on which services announce the built-in jobs they execute. Dead-letter topics are {@code <topic>-dlt}.
 */
public record Topics(String runEvents, String runLogs, String runControl, String jobDefinitions) {

    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    public List<String> all() {
        return List.of(runEvents, runLogs, runControl, jobDefinitions);
    }
}
