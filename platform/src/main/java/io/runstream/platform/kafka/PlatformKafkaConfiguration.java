package io.runstream.platform.kafka;

import io.runstream.platform.event.EventCodec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.converter.JacksonJsonMessageConverter;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.util.backoff.FixedBackOff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kafka as every Runstream service uses it: an idempotent producer with {@code acks=all}, String
 * keys (run ids) and JSON values (CloudEvents), listeners that receive {@code EventEnvelope}s, a
 * bounded retry and then a dead-letter topic {@code <topic>-dlt}, and the topics declared as beans.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaOperations.class)
@EnableConfigurationProperties(RunstreamKafkaProperties.class)
public class PlatformKafkaConfiguration {

    @Bean
    Topics topics(RunstreamKafkaProperties properties) {
        return properties.topics();
    }

    @Bean
    @ConditionalOnMissingBean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    KafkaAdmin.NewTopics runstreamTopics(RunstreamKafkaProperties properties, Topics topics) {
        List<NewTopic> declared = new ArrayList<>();
        for (String topic : topics.all()) {
            TopicBuilder builder = TopicBuilder.name(topic).partitions(properties.partitions()).replicas(properties.replicas());
            if (topic.equals(topics.jobDefinitions())) {
                builder.compact(); // the latest definition per job id is all that matters
            }
            declared.add(builder.build());
            declared.add(TopicBuilder.name(Topics.deadLetterOf(topic)).partitions(properties.partitions())
                    .replicas(properties.replicas()).build());
        }
        return new KafkaAdmin.NewTopics(declared.toArray(NewTopic[]::new));
    }

    /** Idempotence and acks=all are not negotiable: a run event must never be lost or doubled by a retrying producer. */
    @Bean
    DefaultKafkaProducerFactoryCustomizer runstreamProducerSafety() {
        return factory -> factory.updateConfigs(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"));
    }

    /** Listener methods declare {@code EventEnvelope} (or another record) and receive it decoded from JSON. */
    @Bean
    @ConditionalOnMissingBean(RecordMessageConverter.class)
    RecordMessageConverter eventMessageConverter(EventCodec codec) {
        return new JacksonJsonMessageConverter(codec.mapper());
    }

    /**
     * A record that keeps failing is retried a few times, then published to {@code <topic>-dlt} so
     * that it never blocks its partition. Records that cannot be decoded are not retried at all.
     */
    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler kafkaErrorHandler(KafkaOperations<Object, Object> template, RunstreamKafkaProperties properties) {
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(Topics.deadLetterOf(record.topic()), -1));
        var deadLetter = properties.deadLetter();
        var handler = new DefaultErrorHandler(recoverer,
                new FixedBackOff(deadLetter.backoff().toMillis(), deadLetter.retries()));
        handler.addNotRetryableExceptions(IllegalArgumentException.class);
        return handler;
    }
}
