package io.runstream.platform.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.kafka.PlatformKafkaConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The transactional outbox for every service that has a database and Kafka. */
@AutoConfiguration(after = {R2dbcAutoConfiguration.class, DataR2dbcAutoConfiguration.class,
        R2dbcTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class, KafkaAutoConfiguration.class, PlatformKafkaConfiguration.class})
@ConditionalOnClass({DatabaseClient.class, KafkaOperations.class})
@ConditionalOnBean({DatabaseClient.class, ReactiveTransactionManager.class})
@EnableConfigurationProperties(OutboxProperties.class)
public class PlatformOutboxConfiguration {

    @Bean
    OutboxRelay outboxRelay(DatabaseClient db, ReactiveTransactionManager transactions,
                            KafkaOperations<Object, Object> kafka, OutboxProperties properties,
                            EventCodec codec, MeterRegistry meters, ObjectProvider<Tracer> tracer,
                            ObjectProvider<Propagator> propagator) {
        return new OutboxRelay(db, TransactionalOperator.create(transactions), kafka, properties, codec.mapper(), meters,
                tracer.getIfAvailable(), propagator.getIfAvailable());
    }

    @Bean
    EventOutbox eventOutbox(DatabaseClient db, EventCodec codec, OutboxRelay relay,
                            ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new R2dbcEventOutbox(db, codec, relay, new TraceHeaders(tracer.getIfAvailable(), propagator.getIfAvailable()));
    }

    @Bean
    ProcessedEvents processedEvents(DatabaseClient db) {
        return new ProcessedEvents(db);
    }
}
