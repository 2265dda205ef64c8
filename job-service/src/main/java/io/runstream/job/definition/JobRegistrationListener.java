package io.runstream.job.definition;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** Upserts the built-in job definitions services announce on the job-definitions topic. */
@Component
class JobRegistrationListener {

    private final JobDefinitions definitions;
    private final EventCodec codec;

    JobRegistrationListener(JobDefinitions definitions, EventCodec codec) {
        this.definitions = definitions;
        this.codec = codec;
    }

    /** Blocks the listener thread (never an event loop) so that definitions apply in partition order. */
    @KafkaListener(id = "job-definitions", groupId = "${spring.kafka.consumer.group-id}-definitions",
            topics = "#{@topics.jobDefinitions()}")
    void on(EventEnvelope event) {
        if (!EventTypes.JOB_REGISTERED.equals(event.type())) {
            return;
        }
        definitions.registerBuiltIn(codec.data(event, RunEvents.JobRegistered.class)).block(Duration.ofSeconds(30));
    }
}
