package io.runstream.job.executor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Control requests for the runs this service executes. Every replica reads all of them (its own group):
 * only the replica whose process runs the run can act on it.
 */
@Component
class ControlListener {

    private final EventCodec codec;
    private final CommandExecutor commands;
    private final String executor;

    ControlListener(EventCodec codec, CommandExecutor commands, @Value("${spring.application.name}") String executor) {
        this.codec = codec;
        this.commands = commands;
        this.executor = executor;
    }

    @KafkaListener(id = "executor-control", groupId = "job-control-#{T(java.util.UUID).randomUUID()}",
            topics = "#{@topics.runControl()}", properties = "auto.offset.reset=latest")
    void on(EventEnvelope event) {
        if (!EventTypes.CONTROL_EVENTS.contains(event.type())) {
            return;
        }
        RunEvents.ControlRequested request = codec.data(event, RunEvents.ControlRequested.class);
        if (executor.equals(request.executor())) {
            commands.control(request.runId(), event.type());
        }
    }
}
