package io.runstream.platform.test;

import io.runstream.platform.security.ServiceTokens;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires {@link RealInfrastructure} into a test's application context. Each annotated test class
 * gets its own context (the customizer's identity is the class), so its database, topics and
 * storage are its own.
 */
class RealInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> attributes) {
        var annotation = MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
                .get(RealInfrastructure.class);
        return annotation.isPresent() ? new Customizer(testClass, annotation.getBoolean("restartableKafka")) : null;
    }

    private static final class Customizer implements ContextCustomizer {

        private static final AtomicInteger SEQUENCE = new AtomicInteger();
        private final Class<?> testClass;
        private final boolean restartableKafka;

        Customizer(Class<?> testClass, boolean restartableKafka) {
            this.testClass = testClass;
            this.restartableKafka = restartableKafka;
        }

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            SharedServers servers = SharedServers.get();
            int n = SEQUENCE.incrementAndGet();
            String unique = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_" + n
                    + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
            String database = servers.createDatabase("t_" + unique);
            var postgres = servers.postgres();
            String application = context.getEnvironment().getProperty("spring.application.name", "test");
            String kafka = restartableKafka ? ownBroker(context, unique).bootstrapServers() : servers.kafkaBootstrapServers();
            Map<String, Object> properties = Map.ofEntries(
                    Map.entry("spring.r2dbc.url", postgres.r2dbcUrl(database)),
                    Map.entry("spring.r2dbc.username", postgres.username()),
                    Map.entry("spring.r2dbc.password", postgres.password()),
                    Map.entry("spring.flyway.url", postgres.jdbcUrl(database)),
                    Map.entry("spring.flyway.user", postgres.username()),
                    Map.entry("spring.flyway.password", postgres.password()),
                    Map.entry("spring.kafka.bootstrap-servers", kafka),
                    Map.entry("spring.kafka.consumer.group-id", application + "-" + unique),
                    Map.entry("runstream.kafka.topic-prefix", "t" + unique + "."),
                    Map.entry("runstream.kafka.partitions", "4"),
                    Map.entry("runstream.security.jwks-uri", TestJwks.uri()),
                    Map.entry("runstream.storage.root", storageFolder(unique)),
                    Map.entry("runstream.test.database", database));
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("realInfrastructure", properties));
            // signing is CPU work with key material: done off the caller's (possibly event-loop) thread, like the
            // production source, which is a non-blocking HTTP call
            ServiceTokens serviceTokens = () -> Mono.fromSupplier(() -> TestTokens.service(application).sign())
                    .subscribeOn(Schedulers.boundedElastic());
            context.getBeanFactory().registerSingleton("testServiceTokens", serviceTokens);
        }

        /** A broker for this context alone, a bean for the test to stop and restart, shut down with the context. */
        private static KraftBroker ownBroker(ConfigurableApplicationContext context, String unique) {
            try {
                int[] ports = KraftBroker.freePorts();
                KraftBroker broker = KraftBroker.start(Files.createTempDirectory("runstream-kafka-" + unique), ports[0], ports[1]);
                context.getBeanFactory().registerSingleton("kraftBroker", broker);
                // registered before every other bean, so destroyed after all of them: clients go before the broker
                if (context.getBeanFactory() instanceof org.springframework.beans.factory.support.DefaultListableBeanFactory factory) {
                    factory.registerDisposableBean("kraftBroker", broker::close);
                }
                return broker;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String storageFolder(String unique) {
            try {
                return Files.createTempDirectory("runstream-" + unique).toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Customizer customizer && customizer.testClass == testClass
                    && customizer.restartableKafka == restartableKafka;
        }

        @Override
        public int hashCode() {
            return testClass.hashCode();
        }
    }
}
