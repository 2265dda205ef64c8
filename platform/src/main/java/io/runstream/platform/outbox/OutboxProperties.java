package io.runstream.platform.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The outbox relay ({@code runstream.outbox.*}).
 *
 * @param enabled      whether this instance relays (every replica may; an advisory lock lets one at a time)
 * @param pollInterval how often the relay looks for unpublished rows when nothing nudged it
 * @param batchSize    rows published per transaction
 * @param sendTimeout  how long a batch waits for Kafka before it is rolled back and tried again
 * @param retention    how long published rows are kept (for inspection) before they are deleted
 */
@ConfigurationProperties("runstream.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("200ms") Duration pollInterval,
        @DefaultValue("500") int batchSize,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("1h") Duration retention) {
}
