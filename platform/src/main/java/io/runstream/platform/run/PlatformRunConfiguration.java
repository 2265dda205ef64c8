package io.runstream.platform.run;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.outbox.PlatformOutboxConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The run reporter and built-in job announcements for services that execute runs (they all have the outbox). */
@AutoConfiguration(after = PlatformOutboxConfiguration.class)
@ConditionalOnBean(EventOutbox.class)
public class PlatformRunConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RunReporter runReporter(EventOutbox outbox, KafkaOperations<Object, Object> kafka, Topics topics, EventCodec codec,
                            @Value("${spring.application.name}") String service) {
        return new RunReporter(outbox, kafka, topics, codec, "/runstream/" + service);
    }

    @Bean
    BuiltInJobAnnouncer builtInJobAnnouncer(ObjectProvider<BuiltInJob> jobs, EventOutbox outbox, Topics topics,
                                            EventCodec codec, ReactiveTransactionManager transactions,
                                            @Value("${spring.application.name}") String service) {
        return new BuiltInJobAnnouncer(jobs.orderedStream().toList(), outbox, topics, codec,
                TransactionalOperator.create(transactions), service);
    }
}
