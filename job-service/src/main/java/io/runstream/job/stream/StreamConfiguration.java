package io.runstream.job.stream;

import io.runstream.platform.kafka.RunstreamKafkaProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

@Configuration(proxyBeanMethods = false)
class StreamConfiguration {

    @Bean
    StreamTopic streamTopic(RunstreamKafkaProperties kafka) {
        return new StreamTopic(kafka.topicPrefix() + "job-stream");
    }

    /** One partition: the fan-out reads announcements in the order their positions committed. */
    @Bean
    NewTopic jobStreamTopic(StreamTopic topic, RunstreamKafkaProperties kafka) {
        return TopicBuilder.name(topic.name()).partitions(1).replicas(kafka.replicas()).build();
    }
}
