package io.runstream.platform.security;

import io.runstream.platform.web.PlatformWebConfiguration;
import io.runstream.platform.web.ProblemExceptionHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every service validates the caller's token itself (defence in depth behind the gateway): a JWT
 * signed by auth-service, checked against its JWKS, with issuer, audience, expiry and a tenant.
 * Everything but health, metrics and {@code runstream.security.public-paths} needs a token.
 * Endpoints declare their permission with {@code @PreAuthorize("hasAuthority('runs:write')")} or
 * {@link Callers#requiring}.
 */
@AutoConfiguration(after = PlatformWebConfiguration.class, before = {ReactiveWebSecurityAutoConfiguration.class,
        ReactiveOAuth2ResourceServerAutoConfiguration.class, ReactiveUserDetailsServiceAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ServerHttpSecurity.class, NimbusReactiveJwtDecoder.class})
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
@EnableConfigurationProperties({SecurityProperties.class, ServiceClientProperties.class})
public class PlatformSecurityConfiguration {

    static final String[] ALWAYS_PUBLIC = {"/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus"};

    /**
     * Spring Security records an observation (a span and a timer) for every phase of its filter chain and for
     * each authentication and authorization: several spans per request that add nothing the request's own
     * server span does not say, and that an open SSE stream holds for its whole life (measured: about a
     * third of job-service's heap per open stream). Off unless {@code runstream.security.observe-filter-chain}.
     */
    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings securityObservationSettings(
            @Value("${runstream.security.observe-filter-chain:false}") boolean observe) {
        return observe ? SecurityObservationSettings.withDefaults().build() : SecurityObservationSettings.noObservations();
    }

    /** Picked up by Spring Security's filter chain proxy, in every service and the gateway (see {@link FirewallRules}). */
    @Bean
    @ConditionalOnMissingBean
    ServerWebExchangeFirewall serverWebExchangeFirewall() {
        return FirewallRules.strictFirewall();
    }

    @Bean
    @ConditionalOnMissingBean
    ReactiveJwtDecoder jwtDecoder(SecurityProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwksUri())
                .jwsAlgorithms(algorithms -> {
                    algorithms.add(SignatureAlgorithm.RS256);
                    algorithms.add(SignatureAlgorithm.ES256);
                })
                .build();
        decoder.setJwtValidator(TokenValidators.forPlatform(properties.issuer(), properties.audience()));
        // Nimbus's decoder lets a failed key-set fetch out as an IllegalStateException, which the resource server
        // leaves unhandled (a 500) and the gateway took for its route's service being down. As a JwtException that is
        // not a BadJwtException it becomes Spring's AuthenticationServiceException: 503 credentials-unavailable.
        return token -> decoder.decode(token).onErrorMap(error -> !(error instanceof JwtException),
                error -> new JwtException("The token's keys could not be fetched from " + properties.jwksUri(), error));
    }

    /** A client sends the same token for many requests: its signature is checked once, not per request. */
    @Bean
    @ConditionalOnMissingBean
    BearerAuthenticator bearerAuthenticator(ReactiveJwtDecoder decoder,
                                            @Value("${runstream.security.token-cache.ttl:60s}") Duration tokenCacheTtl,
                                            @Value("${runstream.security.token-cache.max-entries:10000}") int tokenCacheEntries) {
        return new BearerAuthenticator(CachingJwtDecoder.wrap(decoder, tokenCacheTtl, tokenCacheEntries));
    }

    @Bean
    @ConditionalOnMissingBean(SecurityWebFilterChain.class)
    SecurityWebFilterChain runstreamSecurity(ServerHttpSecurity http, SecurityProperties properties,
                                             BearerAuthenticator authenticator, ProblemExceptionHandler problems) {
        var handlers = new ProblemSecurityHandlers(problems);
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> {
                    exchanges.pathMatchers(ALWAYS_PUBLIC).permitAll();
                    if (!properties.publicPaths().isEmpty()) {
                        exchanges.pathMatchers(properties.publicPaths().toArray(String[]::new)).permitAll();
                    }
                    exchanges.anyExchange().authenticated();
                })
                .oauth2ResourceServer(server -> server
                        .bearerTokenConverter(new BearerTokenConverter())
                        .jwt(jwt -> jwt.authenticationManager(authenticator.manager()))
                        .authenticationEntryPoint(handlers)
                        .accessDeniedHandler(handlers))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
                .build();
    }

    /** Authorities are the token's permissions as they are, and its roles as {@code ROLE_<role>}. */
    static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
        Caller caller = Caller.from(jwt);
        List<GrantedAuthority> authorities = new ArrayList<>();
        caller.permissions().forEach(p -> authorities.add(new SimpleGrantedAuthority(p)));
        caller.roles().forEach(r -> authorities.add(new SimpleGrantedAuthority("ROLE_" + r)));
        return Mono.just(new JwtAuthenticationToken(jwt, authorities, caller.username()));
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceTokens serviceTokens(WebClient.Builder http, ServiceClientProperties properties) {
        return new ClientCredentialsServiceTokens(http, properties);
    }

    @Bean
    WebFluxConfigurer callerArgumentResolverConfigurer() {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new CallerArgumentResolver());
            }
        };
    }
}
