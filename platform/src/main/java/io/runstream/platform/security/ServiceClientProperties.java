package io.runstream.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this service obtains its own token ({@code runstream.service-client.*}): the OAuth2
 * client-credentials grant at auth-service's token endpoint.
 *
 * @param id       client id (defaults to the application name)
 * @param secret   the shared service secret (env {@code RUNSTREAM_SERVICE_SECRET})
 * @param tokenUri auth-service's token endpoint
 */
@ConfigurationProperties("runstream.service-client")
public record ServiceClientProperties(
        String id,
        String secret,
        @DefaultValue("http://localhost:8081/api/v1/login/access-token") String tokenUri) {
}
