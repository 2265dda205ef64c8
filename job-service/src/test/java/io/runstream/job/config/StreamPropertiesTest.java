package io.runstream.job.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out's linger, derived from the settings and the number of open streams. */
class StreamPropertiesTest {

    private static JobProperties.Stream bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("runstream.job.stream", JobProperties.Stream.class);
    }

    @Test
    void linger_isTheFixedWait_untilTheStreamsMakeAHandOutCostly_thenGrowsWithThem_upToItsCeiling() {
        JobProperties.Stream defaults = bind(Map.of());
        assertThat(defaults.fanOutLinger(0)).isEqualTo(Duration.ofMillis(25));
        assertThat(defaults.fanOutLinger(2_500)).isEqualTo(Duration.ofMillis(25));
        assertThat(defaults.fanOutLinger(5_000)).isEqualTo(Duration.ofMillis(50));
        assertThat(defaults.fanOutLinger(10_000)).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.fanOutLinger(1_000_000)).isEqualTo(JobProperties.Stream.MAX_LINGER);

        JobProperties.Stream fixed = bind(Map.of("runstream.job.stream.fan-out-linger", "40ms",
                "runstream.job.stream.fan-out-linger-per-subscriber", "0"));
        assertThat(fixed.fanOutLinger(50_000)).isEqualTo(Duration.ofMillis(40));
    }
}
