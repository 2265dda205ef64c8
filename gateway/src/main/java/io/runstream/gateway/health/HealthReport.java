package io.runstream.gateway.health;

import java.util.Map;

/**
 * flwd's health answer, extended with each service's state.
 *
 * @param status        {@code healthy} when every service is UP, else {@code degraded}
 * @param version       the gateway's build version
 * @param uptimeSeconds seconds since the gateway started
 * @param services      service name → {@code UP} or {@code DOWN}
 */
public record HealthReport(String status, String version, long uptimeSeconds, Map<String, String> services) {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";
}
