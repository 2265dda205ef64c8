package io.runstream.platform.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * The real PostgreSQL server and Kafka broker shared by every test in one JVM, started on first
 * use and stopped when the JVM exits.
 */
public final class SharedServers {

    private static final Logger log = LoggerFactory.getLogger(SharedServers.class);
    private static volatile SharedServers instance;

    private final Postgres postgres;
    private final String kafkaBootstrapServers;

    private SharedServers(Postgres postgres, String kafkaBootstrapServers) {
        this.postgres = postgres;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
    }

    public static SharedServers get() {
        SharedServers servers = instance;
        if (servers == null) {
            synchronized (SharedServers.class) {
                servers = instance;
                if (servers == null) {
                    servers = start();
                    instance = servers;
                }
            }
        }
        return servers;
    }

    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    public Postgres postgres() {
        return postgres;
    }

    /** Creates a new, empty database on the shared server. */
    public String createDatabase(String name) {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.credentials());
             Statement statement = connection.createStatement()) {
            // name comes from TestDatabaseNames: lowercase letters, digits and underscores only
            statement.execute("create database " + name);
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
    }

    private static SharedServers start() {
        long started = System.nanoTime();
        SharedServers servers = useContainers() ? startContainers() : startEmbedded();
        log.info("test infrastructure ready in {} ms: postgres {}:{}, kafka {}",
                (System.nanoTime() - started) / 1_000_000, servers.postgres.host(), servers.postgres.port(),
                servers.kafkaBootstrapServers);
        return servers;
    }

    private static boolean useContainers() {
        String choice = System.getProperty("runstream.test.infrastructure", "auto").toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "containers" -> true;
            case "embedded" -> false;
            default -> dockerAnswers();
        };
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static SharedServers startEmbedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 4);
            kafka.brokerProperty("auto.create.topics.enable", "true");
            kafka.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.destroy();
                try {
                    pg.close();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }, "stop-test-infrastructure"));
            return new SharedServers(new Postgres("localhost", pg.getPort(), "postgres", "postgres"),
                    kafka.getBrokersAsString());
        } catch (Exception e) {
            throw new IllegalStateException("could not start embedded PostgreSQL and Kafka", e);
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper with the JVM
    private static SharedServers startContainers() {
        var pg = new PostgreSQLContainer("postgres:17-alpine");
        var kafka = new KafkaContainer("apache/kafka-native:4.1.0");
        pg.start();
        kafka.start();
        return new SharedServers(new Postgres(pg.getHost(), pg.getMappedPort(5432), pg.getUsername(), pg.getPassword()),
                kafka.getBootstrapServers());
    }

    /** Where the shared PostgreSQL server listens and who may log in. */
    public record Postgres(String host, int port, String username, String password) {

        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        public String r2dbcUrl(String database) {
            return "r2dbc:postgresql://" + host + ":" + port + "/" + database;
        }

        Properties credentials() {
            Properties properties = new Properties();
            properties.setProperty("user", username);
            properties.setProperty("password", password);
            return properties;
        }
    }
}
