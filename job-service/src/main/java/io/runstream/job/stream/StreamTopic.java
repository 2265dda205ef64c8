package io.runstream.job.stream;

/** job-service's own topic on which every accepted stream event travels to every replica's fan-out. */
public record StreamTopic(String name) {
}
