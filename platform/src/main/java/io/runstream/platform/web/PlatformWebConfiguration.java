package io.runstream.platform.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.ServerCodecConfigurer;

/** Request ids and problem details for every reactive web service. */
@AutoConfiguration(before = ErrorWebFluxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class PlatformWebConfiguration {

    @Bean
    RequestIdWebFilter requestIdWebFilter() {
        return new RequestIdWebFilter();
    }

    /** Before Boot's error handler (-1) and WebFlux's status handler (0). */
    @Bean
    @Order(-2)
    ProblemExceptionHandler problemExceptionHandler(ServerCodecConfigurer codecs) {
        return new ProblemExceptionHandler(codecs);
    }
}
