package io.runstream.platform.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Runstream's topics and their error handling ({@code runstream.kafka.*}).
 *
 * @param topicPrefix  prefix of every topic name; tests give each test class its own
 * @param partitions   partitions of each topic (runs spread over them by run id)
 * @param replicas     replication factor (1 locally, 3 on a cluster)
 * @param deadLetter   how often a failing record is retried before it goes to {@code <topic>-dlt}
 */
@ConfigurationProperties("runstream.kafka")
public record RunstreamKafkaProperties(
        @DefaultValue("runstream.") String topicPrefix,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicas,
        @DefaultValue DeadLetter deadLetter) {

    public record DeadLetter(@DefaultValue("2") int retries, @DefaultValue("200ms") Duration backoff) {
    }

    public Topics topics() {
        return new Topics(topicPrefix + "run-events", topicPrefix + "run-logs", topicPrefix + "run-control",
                topicPrefix + "job-definitions");
    }
}
