package io.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayApplicationTest {

    @Test
    void runsHalfAsManyEventLoopsAsCores_atLeastOne() {
        assertThat(GatewayApplication.eventLoops(1)).isEqualTo(1);
        assertThat(GatewayApplication.eventLoops(2)).isEqualTo(1);
        assertThat(GatewayApplication.eventLoops(3)).isEqualTo(1);
        assertThat(GatewayApplication.eventLoops(4)).isEqualTo(2);
        assertThat(GatewayApplication.eventLoops(16)).isEqualTo(8);
    }
}
