package io.runstream.gateway.security;

import org.springframework.http.server.PathContainer;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * What anyone may call without credentials: login, refresh, health, the JWKS.
 *
 * <p>It is the security chain's one matcher for these paths. Spring Security's
 * {@code pathMatchers(String...)} builds an {@code OrServerWebExchangeMatcher} that logs every pattern it tries at
 * DEBUG with {@code LogMessage.format}, and since Spring Framework 7 (Apache commons-logging's SLF4J bridge
 * renders the message before SLF4J checks the level) each of those messages was formatted and thrown away: a
 * fifth of the gateway's allocation per proxied request. Most paths are not public, so a plain prefix test
 * answers first, and the patterns are only matched when a path could be one of them.
 */
final class PublicPaths implements ServerWebExchangeMatcher {

    static final List<String> PATTERNS = List.of(
            "/api/v1/login/**", "/api/v1/refresh",
            "/api/v1/health", "/api/v1/utils/health-check", "/api/v1/utils/health-check/",
            "/.well-known/jwks.json",
            "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus");

    private static final Mono<MatchResult> MATCH = MatchResult.match();
    private static final Mono<MatchResult> NO_MATCH = MatchResult.notMatch();

    private final PathPattern[] patterns = PATTERNS.stream().map(PathPatternParser.defaultInstance::parse)
            .toArray(PathPattern[]::new);
    /** The literal start of each pattern ("/api/v1/login" for "/api/v1/login/**"): a path that starts with none of them matches none. */
    private final String[] prefixes = PATTERNS.stream().map(PublicPaths::literalPrefix).distinct().toArray(String[]::new);

    boolean isPublic(ServerWebExchange exchange) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!couldMatch(path.value())) {
            return false;
        }
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Mono<MatchResult> matches(ServerWebExchange exchange) {
        return isPublic(exchange) ? MATCH : NO_MATCH;
    }

    /** Patterns match decoded segments, so an encoded path ({@code %6Cogin}) is always matched against them. */
    private boolean couldMatch(String rawPath) {
        if (rawPath.indexOf('%') >= 0) {
            return true;
        }
        for (String prefix : prefixes) {
            if (rawPath.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static String literalPrefix(String pattern) {
        int wildcard = pattern.length();
        for (char special : new char[]{'*', '?', '{'}) {
            int at = pattern.indexOf(special);
            if (at >= 0) {
                wildcard = Math.min(wildcard, at);
            }
        }
        String prefix = pattern.substring(0, wildcard);
        // "/api/v1/login/**" also matches "/api/v1/login" itself
        return prefix.endsWith("/") && prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
