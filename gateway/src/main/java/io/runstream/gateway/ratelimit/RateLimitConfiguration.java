package io.runstream.gateway.ratelimit;

import io.runstream.gateway.GatewayProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    @ConditionalOnProperty(name = "runstream.gateway.rate-limit.enabled", matchIfMissing = true)
    RateLimitWebFilter rateLimitWebFilter(GatewayProperties properties) {
        return new RateLimitWebFilter(new RateLimiter(properties.rateLimit(), System::nanoTime), Clock.systemUTC());
    }

    @Bean
    LoginThrottleWebFilter loginThrottleWebFilter(GatewayProperties properties) {
        GatewayProperties.Login login = properties.rateLimit().login();
        return new LoginThrottleWebFilter(new LoginThrottle(login, System::nanoTime), login.path());
    }
}
