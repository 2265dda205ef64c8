package io.runstream.gateway.health;

import reactor.core.publisher.Mono;

/** The health of the whole suite as the gateway sees it. */
public interface SuiteHealth {

    Mono<HealthReport> check();
}
