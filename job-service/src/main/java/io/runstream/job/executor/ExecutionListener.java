package io.runstream.job.executor;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.run.RunRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Picks up the runs job-service executes itself ({@code run.created} with executor = this service):
 * {@code system/echo} in-process, command jobs on the command executor. One consumer group, so each
 * run goes to one replica.
 */
@Component
class ExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ExecutionListener.class);

    private final EventCodec codec;
    private final EchoJob echo;
    private final CommandExecutor commands;
    private final String executor;

    ExecutionListener(EventCodec codec, EchoJob echo, CommandExecutor commands,
                      @Value("${spring.application.name}") String executor) {
        this.codec = codec;
        this.echo = echo;
        this.commands = commands;
        this.executor = executor;
    }

    @KafkaListener(id = "job-executor", groupId = "${spring.kafka.consumer.group-id}-executor",
            topics = "#{@topics.runEvents()}")
    void on(EventEnvelope event) {
        if (!EventTypes.RUN_CREATED.equals(event.type()) || event.subject() == null) {
            return;
        }
        RunEvents.RunCreated created = codec.data(event, RunEvents.RunCreated.class);
        if (!executor.equals(created.executor())) {
            return;
        }
        RunRef run = new RunRef(created.runId(), created.jobId(), event.tenant(), Math.max(1, created.attempt()));
        if (EchoJob.JOB_ID.equals(created.jobId())) {
            echo.run(event.id(), run, executor, created.args(), codec.mapper())
                    .subscribe(null, error -> log.warn("echo run {} failed: {}", run.runId(), error.toString()));
        } else {
            commands.submit(event.id(), run, created);
        }
    }
}
