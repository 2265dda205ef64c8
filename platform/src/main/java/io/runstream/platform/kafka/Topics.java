package io.runstream.platform.kafka;

import java.util.List;

/** The resolved names of DESIGN.md's topics. Dead-letter topics are {@code <topic>-dlt}. */
public record Topics(String runEvents, String runLogs, String runControl) {

    public static final String DEAD_LETTER_SUFFIX = "-dlt";

    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    public List<String> all() {
        return List.of(runEvents, runLogs, runControl);
    }
}
