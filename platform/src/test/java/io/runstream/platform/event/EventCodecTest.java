package io.runstream.platform.event;

import io.runstream.platform.run.RunStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void envelope_isCloudEventsStructuredJson_withSnakeCaseData() {
        var created = new RunEvents.RunCreated("run_1", "system/echo", "job-service", "u1", null, null, 5,
                List.of("a"), null, 1, Instant.parse("2024-01-15T10:30:00Z"));
        EventEnvelope event = codec.event("/runstream/job-service", EventTypes.RUN_CREATED, "run_1", "acme", created);

        String json = codec.write(event);

        assertThat(json).contains("\"specversion\":\"1.0\"", "\"type\":\"run.created\"", "\"subject\":\"run_1\"",
                "\"tenant\":\"acme\"", "\"datacontenttype\":\"application/json\"", "\"run_id\":\"run_1\"",
                "\"job_id\":\"system/echo\"", "\"created_at\":\"2024-01-15T10:30:00Z\"");
        EventEnvelope read = codec.read(json);
        assertThat(read.id()).isEqualTo(event.id());
        assertThat(codec.data(read, RunEvents.RunCreated.class)).isEqualTo(created);
    }

    @Test
    void finishedEvents_carryTheStatusAsItsWireName() {
        var finished = new RunEvents.RunFinished("run_1", RunStatus.FAILED, null, new RunEvents.RunError("exit", "exit code 2"));
        String json = codec.write(codec.event("/s", EventTypes.RUN_FINISHED, "run_1", "acme", finished));
        assertThat(json).contains("\"status\":\"failed\"", "\"code\":\"exit\"");
        assertThat(codec.data(codec.read(json), RunEvents.RunFinished.class)).isEqualTo(finished);
    }

    @Test
    void finishedEvents_refuseANonTerminalStatus() {
        assertThatThrownBy(() -> new RunEvents.RunFinished("run_1", RunStatus.RUNNING, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void somethingThatIsNotAnEvent_isRejected() {
        assertThatThrownBy(() -> codec.read("{\"hello\":1}")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> codec.read("not json")).isInstanceOf(RuntimeException.class);
    }
}
