package io.runstream.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the gateway can be told ({@code runstream.gateway.*}); documented in docs/gateway.md.
 *
 * @param services    where each service listens (the routes in application.yml read the same properties)
 * @param health      how the aggregated health checks the services
 * @param apiKeys     how API keys are exchanged for access tokens at auth-service
 * @param rateLimit   token buckets per principal, per tenant and per anonymous client address; failed-login throttling
 * @param requestSize the largest request body accepted at the edge
 * @param cors        the browser origins allowed to call the API
 * @param tokens      how long a verified bearer token's signature check is reused
 * @param observeSecurity whether Spring Security's own observations (a span and timer per filter-chain phase,
 *                    authentication and authorization) are recorded; the request's server and proxy observations,
 *                    which carry the trace to the services, are recorded either way
 */
@ConfigurationProperties("runstream.gateway")
public record GatewayProperties(
        @DefaultValue Services services,
        @DefaultValue Health health,
        @DefaultValue ApiKeys apiKeys,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue RequestSize requestSize,
        @DefaultValue Cors cors,
        @DefaultValue Tokens tokens,
        @DefaultValue("false") boolean observeSecurity) {

    public record Services(
            @DefaultValue("http://localhost:8081") URI auth,
            @DefaultValue("http://localhost:8082") URI job,
            @DefaultValue("http://localhost:8083") URI dataset,
            @DefaultValue("http://localhost:8084") URI training,
            @DefaultValue("http://localhost:8085") URI inference) {

        /** Service name (as in the health answer) to base URI, in a stable order. */
        public Map<String, URI> byName() {
            Map<String, URI> all = new LinkedHashMap<>();
            all.put("auth-service", auth);
            all.put("job-service", job);
            all.put("dataset-service", dataset);
            all.put("training-service", training);
            all.put("inference-service", inference);
            return all;
        }
    }

    /** @param timeout how long one service's {@code /actuator/health} may take before it counts as DOWN */
    public record Health(@DefaultValue("1500ms") Duration timeout) {
    }

    /**
     * @param exchangePath path of auth-service's exchange endpoint
     * @param cacheTtl     how long an exchanged token (or a rejection) is reused; a revoked key stops after at most this long
     * @param timeout      how long the exchange call may take
     */
    public record ApiKeys(
            @DefaultValue("/internal/v1/api-keys/exchange") String exchangePath,
            @DefaultValue("3s") Duration cacheTtl,
            @DefaultValue("3s") Duration timeout) {
    }

    /**
     * @param enabled        whether requests are counted at all
     * @param principal      bucket per user or API key
     * @param tenant         bucket per tenant (shared by all its users and keys)
     * @param anonymous      bucket per client address for requests without credentials (login, health)
     * @param maxTrackedKeys upper bound of buckets kept in memory; idle full buckets are dropped beyond it
     * @param login          failed-login throttling
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            Bucket principal,
            Bucket tenant,
            Bucket anonymous,
            @DefaultValue("100000") int maxTrackedKeys,
            @DefaultValue Login login) {

        public RateLimit {
            principal = principal != null ? principal : new Bucket(600, Duration.ofMinutes(1));
            tenant = tenant != null ? tenant : new Bucket(6000, Duration.ofMinutes(1));
            anonymous = anonymous != null ? anonymous : new Bucket(120, Duration.ofMinutes(1));
        }
    }

    /** @param capacity requests allowed in a burst; the bucket refills {@code capacity} tokens per {@code period} */
    public record Bucket(int capacity, @DefaultValue("1m") Duration period) {
    }

    /**
     * @param path                the login endpoint whose 401 answers count as failures
     * @param maxFailuresPerUser  failures of one username within {@code window} before its logins are refused (429)
     * @param maxFailuresPerAddress failures from one client address within {@code window} before its logins are refused
     * @param window              how long failures are remembered
     */
    public record Login(
            @DefaultValue("/api/v1/login/access-token") String path,
            @DefaultValue("5") int maxFailuresPerUser,
            @DefaultValue("20") int maxFailuresPerAddress,
            @DefaultValue("15m") Duration window) {
    }

    /**
     * @param max         default largest body
     * @param uploadMax   largest body on {@code uploadPaths}
     * @param uploadPaths path patterns that accept uploads (datasets and files)
     */
    public record RequestSize(
            @DefaultValue("1MB") DataSize max,
            @DefaultValue("2GB") DataSize uploadMax,
            @DefaultValue({"/api/v1/dataset/**", "/api/v1/files/**", "/api/v1/datalake/**", "/api/v1/template/**"})
            List<String> uploadPaths) {
    }

    /**
     * @param allowedOrigins origins (or origin patterns like {@code https://*.example.com}) allowed by CORS; empty = CORS off
     * @param maxAge         how long a browser may cache a preflight answer
     */
    public record Cors(@DefaultValue List<String> allowedOrigins, @DefaultValue("30m") Duration maxAge) {
    }

    /**
     * @param cacheTtl   how long a bearer token whose signature and claims were verified is accepted again without a
     *                   new signature check (never past its {@code exp}); 0 verifies every request
     * @param maxEntries upper bound of tokens remembered; beyond it new tokens are verified every time
     */
    public record Tokens(@DefaultValue("60s") Duration cacheTtl, @DefaultValue("10000") int maxEntries) {
    }
}
