package io.runstream.gateway.security;

import io.runstream.platform.security.CachingJwtDecoder;
import io.runstream.gateway.GatewayProperties;
import io.runstream.gateway.ratelimit.AnonymousRateLimit;
import org.springframework.beans.factory.ObjectProvider;
import io.runstream.platform.web.ProblemExceptionHandler;
import io.runstream.platform.security.ServiceTokens;
import io.runstream.platform.web.Problems;
import io.runstream.platform.web.RequestId;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own security chain (the platform's service chain backs off when this bean exists):
 * everything but {@link PublicPaths} needs a bearer JWT, checked locally against auth-service's
 * JWKS by the platform's decoder, or an API key that auth-service vouches for. Authorization —
 * which permission an endpoint needs — stays with the services.
 */
@Configuration(proxyBeanMethods = false)
class EdgeSecurityConfiguration {

    @Bean
    SecurityWebFilterChain edgeSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder, ApiKeyExchange apiKeys,
                                        ProblemExceptionHandler problems, GatewayProperties properties,
                                        ObjectProvider<AnonymousRateLimit> rateLimit) {
        PublicPaths publicPaths = new PublicPaths();
        ProblemEntryPoint entryPoint = new ProblemEntryPoint(problems, rateLimit.getIfAvailable(() -> exchange -> Mono.empty()));
        JwtReactiveAuthenticationManager bearer = new JwtReactiveAuthenticationManager(bearerDecoder(decoder, properties.tokens()));
        bearer.setJwtAuthenticationConverter(EdgeSecurityConfiguration::authentication);
        EdgeAuthentication authentication = new EdgeAuthentication(publicPaths, bearer,
                new ApiKeyAuthenticator(apiKeys), entryPoint);

        // no authorizeExchange: EdgeAuthentication is the edge's whole access rule (authorization is the services')
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION);
        if (properties.cors().allowedOrigins().isEmpty()) {
            http.cors(ServerHttpSecurity.CorsSpec::disable);
        } else {
            http.cors(cors -> cors.configurationSource(corsSource(properties.cors())));
        }
        return http.build();
    }

    /** The platform's decoder, with verified tokens remembered for a while unless the cache is switched off. */
    static ReactiveJwtDecoder bearerDecoder(ReactiveJwtDecoder decoder, GatewayProperties.Tokens tokens) {
        return CachingJwtDecoder.wrap(decoder, tokens.cacheTtl(), tokens.maxEntries());
    }

    /**
     * Spring Security records an observation (a span and a timer) for each phase of its filter chain,
     * for the authentication and for the authorization of every request: several spans per request that
     * say little the request's own server span does not. Off unless {@code runstream.gateway.observe-security}.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings(GatewayProperties properties) {
        return properties.observeSecurity() ? SecurityObservationSettings.withDefaults().build()
                : SecurityObservationSettings.noObservations();
    }

    static UrlBasedCorsConfigurationSource corsSource(GatewayProperties.Cors cors) {
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOriginPatterns(cors.allowedOrigins());
        config.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        config.setAllowedHeaders(List.of("*"));
        config.setExposedHeaders(List.of(RequestId.HEADER, "X-RateLimit-Limit", "X-RateLimit-Remaining",
                "X-RateLimit-Reset", "Retry-After", "Content-Disposition", "Last-Event-ID"));
        config.setAllowCredentials(true);
        config.setMaxAge(cors.maxAge());
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", config);
        return source;
    }

    static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
        return Mono.just(new JwtAuthenticationToken(jwt, permissions(jwt), jwt.getSubject()));
    }

    /** The token's {@code permissions} claim as authorities, for bearer callers and API keys alike. */
    static List<GrantedAuthority> permissions(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        List<String> permissions = jwt.getClaimAsStringList("permissions");
        if (permissions != null) {
            permissions.forEach(p -> authorities.add(new SimpleGrantedAuthority(p)));
        }
        return authorities;
    }

    @Bean
    ApiKeyExchange apiKeyExchange(GatewayProperties properties, ReactiveJwtDecoder decoder, WebClient.Builder builder,
                                  ServiceTokens serviceTokens) {
        HttpClient client = HttpClient.create().responseTimeout(properties.apiKeys().timeout());
        WebClient http = builder.clone().clientConnector(new ReactorClientHttpConnector(client)).build();
        return new CachingApiKeyExchange(http, properties, decoder, serviceTokens, System::nanoTime);
    }

    /** Requests Spring Security's firewall refuses (encoded separators, dot segments, ...) get a 400 problem too. */
    @Bean
    ServerExchangeRejectedHandler problemRejectedHandler(ProblemExceptionHandler problems) {
        return (exchange, rejected) -> problems.handle(exchange,
                Problems.badRequest("The request path or headers are not acceptable"));
    }

    @Bean
    TokenRelay tokenRelay() {
        return new TokenRelay();
    }
}
