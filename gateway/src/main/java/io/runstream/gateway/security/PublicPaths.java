package io.runstream.gateway.security;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;

/** What anyone may call without credentials: login, refresh, health, the JWKS. */
final class PublicPaths {

    static final List<String> PATTERNS = List.of(
            "/api/v1/login/**", "/api/v1/refresh",
            "/api/v1/health", "/api/v1/utils/health-check", "/api/v1/utils/health-check/",
            "/.well-known/jwks.json",
            "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus");

    private final List<PathPattern> patterns = PATTERNS.stream().map(PathPatternParser.defaultInstance::parse).toList();

    boolean matches(ServerWebExchange exchange) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        return patterns.stream().anyMatch(pattern -> pattern.matches(path));
    }
}
