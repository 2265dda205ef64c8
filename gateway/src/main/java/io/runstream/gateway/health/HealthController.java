package io.runstream.gateway.health;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** flwd's {@code /api/v1/health} and Data-ML's {@code /api/v1/utils/health-check/} answer the same report. */
@RestController
class HealthController {

    private final SuiteHealth health;

    HealthController(SuiteHealth health) {
        this.health = health;
    }

    @GetMapping({"/api/v1/health", "/api/v1/utils/health-check/", "/api/v1/utils/health-check"})
    Mono<HealthReport> health() {
        return health.check();
    }
}
