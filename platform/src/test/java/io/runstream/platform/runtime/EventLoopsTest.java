package io.runstream.platform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventLoopsTest {

    @Test
    void halfAsManyEventLoopsAsCores_atLeastOne() {
        assertThat(EventLoops.forCores(1)).isEqualTo(1);
        assertThat(EventLoops.forCores(2)).isEqualTo(1);
        assertThat(EventLoops.forCores(3)).isEqualTo(1);
        assertThat(EventLoops.forCores(4)).isEqualTo(2);
        assertThat(EventLoops.forCores(16)).isEqualTo(8);
    }

    @Test
    void anExplicitSettingWins() {
        String before = System.getProperty(EventLoops.PROPERTY);
        try {
            System.setProperty(EventLoops.PROPERTY, "3");
            EventLoops.halfTheCores();
            assertThat(System.getProperty(EventLoops.PROPERTY)).isEqualTo("3");
            System.clearProperty(EventLoops.PROPERTY);
            EventLoops.halfTheCores();
            assertThat(System.getProperty(EventLoops.PROPERTY))
                    .isEqualTo(String.valueOf(EventLoops.forCores(Runtime.getRuntime().availableProcessors())));
        } finally {
            if (before == null) {
                System.clearProperty(EventLoops.PROPERTY);
            } else {
                System.setProperty(EventLoops.PROPERTY, before);
            }
        }
    }
}
