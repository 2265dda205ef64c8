package io.runstream.platform.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Adds {@code runstream-defaults.properties} as the lowest-precedence property source: the settings
 * every service shares (Kafka safety, actuator probes, tracing, graceful shutdown). A service's own
 * {@code application.yml} or the environment can override any of them.
 */
public class PlatformDefaults implements EnvironmentPostProcessor {

    static final String SOURCE = "runstream-defaults.properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource("runstreamDefaults", new ClassPathResource(SOURCE)));
        } catch (IOException e) {
            throw new UncheckedIOException("platform defaults missing from the classpath", e);
        }
    }
}
