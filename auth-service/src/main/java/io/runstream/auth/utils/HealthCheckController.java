package io.runstream.auth.utils;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The seed's Utils health check, for direct calls (the gateway answers it for the suite). */
@RestController
class HealthCheckController {

    @GetMapping({"/api/v1/utils/health-check", "/api/v1/utils/health-check/"})
    public boolean healthCheck() {
        return true;
    }
}
