package io.runstream.gateway.bodysize;

import io.runstream.gateway.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RequestSizeConfiguration {

    @Bean
    RequestSizeLimit requestSizeLimit(GatewayProperties properties) {
        return new RequestSizeLimit(properties.requestSize());
    }
}
