package io.runstream.job.definition;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.RunEvents;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** job-service's own built-in job, {@code system/echo}: logs its message and completes. */
@Component
class BuiltInJobs implements SmartInitializingSingleton {

    static final String ECHO_SCHEMA = """
            {"type": "object",
             "properties": {
               "message": {"type": "string", "maxLength": 10000, "description": "logged, and returned as the result"},
               "delay_ms": {"type": "integer", "minimum": 0, "maximum": 600000, "description": "wait before completing"},
               "fail": {"type": "boolean", "description": "finish as failed instead of completed"}
             },
             "required": ["message"],
             "additionalProperties": false}""";

    private final JobDefinitions definitions;
    private final EventCodec codec;
    private final String service;

    BuiltInJobs(JobDefinitions definitions, EventCodec codec, @Value("${spring.application.name}") String service) {
        this.definitions = definitions;
        this.codec = codec;
        this.service = service;
    }

    /** Registered before the service takes requests, so the first POST /runs can use it. */
    @Override
    public void afterSingletonsInstantiated() {
        definitions.registerBuiltIn(new RunEvents.JobRegistered("system/echo", "1.0.0",
                "Logs its message and completes with it as the result", codec.mapper().readTree(ECHO_SCHEMA),
                service, service, 1, 30, null)).block(Duration.ofSeconds(60));
    }
}
