package io.runstream.stack;

import io.runstream.platform.test.KraftBroker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The stack's real infrastructure, in this JVM: PostgreSQL (with the runstream role and one database per service)
 * and a KRaft Kafka broker, both on fixed ports and both keeping their data under the data folder.
 */
public final class Infrastructure implements AutoCloseable {

    private final LocalPostgres postgres;
    private final KraftBroker kafka;
    private final Timings timings;

    private Infrastructure(LocalPostgres postgres, KraftBroker kafka, Timings timings) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.timings = timings;
    }

    public static Infrastructure start(Path dataDirectory, int postgresPort, int kafkaPort, int kafkaControllerPort)
            throws IOException {
        List<String> databases = Arrays.stream(Service.values()).map(Service::database).filter(Objects::nonNull).toList();
        long start = System.nanoTime();
        LocalPostgres postgres = LocalPostgres.start(dataDirectory.resolve("postgres"), postgresPort,
                dataDirectory.resolve("logs/postgres.log"), databases);
        long postgresReady = System.nanoTime();
        try {
            KraftBroker kafka = KraftBroker.start(dataDirectory.resolve("kafka"), kafkaPort, kafkaControllerPort);
            long kafkaReady = System.nanoTime();
            return new Infrastructure(postgres, kafka,
                    new Timings((postgresReady - start) / 1_000_000, (kafkaReady - postgresReady) / 1_000_000));
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    public String jdbcUrl(String database) {
        return postgres.jdbcUrl(database);
    }

    public String r2dbcUrl(String database) {
        return postgres.r2dbcUrl(database);
    }

    public String databaseUser() {
        return LocalPostgres.USER;
    }

    public String databasePassword() {
        return LocalPostgres.PASSWORD;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** PostgreSQL's server process (a daemon, not a descendant of this JVM). */
    public java.util.Optional<ProcessHandle> postgresProcess() {
        return postgres.postmaster();
    }

    public Timings timings() {
        return timings;
    }

    /** Stops Kafka first (its clients are already gone), then PostgreSQL. */
    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }

    /** How long each server took to become usable, in milliseconds. */
    public record Timings(long postgresMillis, long kafkaMillis) {
    }
}
