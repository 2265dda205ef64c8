package io.runstream.job.stream;

import io.micrometer.observation.ObservationPredicate;
import io.runstream.platform.kafka.RunstreamKafkaProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
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

    /**
     * No {@code http.server.requests} observation for the SSE endpoints: a stream's duration is not a latency, and
     * the open observation (context, key values, long-task sample, trace scope) was held for the stream's life.
     */
    @Bean
    ObservationPredicate streamsUnobserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && StreamEndpoints.isStream(request.getCarrier()));
    }
}
