package io.runstream.gateway.health;

import io.runstream.gateway.GatewayProperties;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks every service's {@code /actuator/health} at once; a service that does not say UP within the timeout is DOWN. */
class ActuatorSuiteHealth implements SuiteHealth {

    private final WebClient http;
    private final Map<String, URI> services;
    private final Duration timeout;
    private final String version;
    private final Clock clock;
    private final Instant started;

    ActuatorSuiteHealth(WebClient http, GatewayProperties properties, String version, Clock clock) {
        this.http = http;
        this.services = properties.services().byName();
        this.timeout = properties.health().timeout();
        this.version = version;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public Mono<HealthReport> check() {
        return Flux.fromIterable(services.entrySet())
                .flatMap(service -> status(service.getValue()).map(status -> Tuples.of(service.getKey(), status)))
                .collectMap(Tuple2::getT1, Tuple2::getT2)
                .map(this::report);
    }

    private Mono<String> status(URI base) {
        return http.get().uri(base.resolve("/actuator/health")).accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .bodyToMono(ActuatorHealth.class)
                .map(health -> HealthReport.UP.equalsIgnoreCase(health.status()) ? HealthReport.UP : HealthReport.DOWN)
                .timeout(timeout)
                .onErrorReturn(HealthReport.DOWN)
                .defaultIfEmpty(HealthReport.DOWN);
    }

    private HealthReport report(Map<String, String> statuses) {
        Map<String, String> ordered = new LinkedHashMap<>();
        services.keySet().forEach(name -> ordered.put(name, statuses.getOrDefault(name, HealthReport.DOWN)));
        boolean allUp = ordered.values().stream().allMatch(HealthReport.UP::equals);
        long uptime = Duration.between(started, clock.instant()).toSeconds();
        return new HealthReport(allUp ? HealthReport.HEALTHY : HealthReport.DEGRADED, version, uptime, ordered);
    }

    record ActuatorHealth(String status) {
    }
}
