package io.runstream.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A real PostgreSQL 17 server from zonky's embedded binaries on a fixed port, its data directory kept between starts.
 * As root, zonky runs initdb and the server inside a user namespace ({@code unshare -U}), where PostgreSQL sees an
 * unprivileged user owning its files.
 */
final class LocalPostgres implements AutoCloseable {

    static final String USER = "runstream";
    static final String PASSWORD = "runstream";

    private final EmbeddedPostgres server;
    private final int port;
    private final ProcessHandle postmaster;

    private LocalPostgres(EmbeddedPostgres server, int port, ProcessHandle postmaster) {
        this.server = server;
        this.port = port;
        this.postmaster = postmaster;
    }

    static LocalPostgres start(Path dataDirectory, int port, Path logFile, List<String> databases) throws IOException {
        Files.createDirectories(dataDirectory);
        Files.createDirectories(logFile.getParent());
        stopLeftoverServer(dataDirectory);
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "64MB")
                .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        LocalPostgres postgres = new LocalPostgres(server, port, postmaster(dataDirectory).orElse(null));
        try {
            postgres.createRoleAndDatabases(databases);
        } catch (SQLException e) {
            postgres.close();
            throw new IOException("PostgreSQL started but the runstream role/databases could not be created: " + e.getMessage(), e);
        }
        return postgres;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    String r2dbcUrl(String database) {
        return "r2dbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    int port() {
        return port;
    }

    /**
     * The server process. pg_ctl starts it as a daemon, so it is not a descendant of this JVM: the launcher tracks it
     * explicitly to count its memory and to make sure it is gone after {@link #close()}.
     */
    java.util.Optional<ProcessHandle> postmaster() {
        return java.util.Optional.ofNullable(postmaster);
    }

    private void createRoleAndDatabases(List<String> databases) throws SQLException {
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            if (!exists(connection, "select 1 from pg_roles where rolname = ?", USER)) {
                statement.execute("create role " + USER + " login password '" + PASSWORD + "'");
            }
            for (String database : databases) {
                if (!exists(connection, "select 1 from pg_database where datname = ?", database)) {
                    statement.execute("create database " + database + " owner " + USER);
                }
            }
        }
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * A launcher killed with SIGKILL cannot stop its server; the next start finds it still running on the data
     * directory and stops it (fast shutdown) instead of failing on a busy port.
     */
    private static void stopLeftoverServer(Path dataDirectory) {
        postmaster(dataDirectory).ifPresent(process -> {
            System.out.println("Stopping a PostgreSQL server left running by an earlier launcher (pid " + process.pid() + ")");
            stop(process);
        });
    }

    /** The live server named by the data directory's postmaster.pid, if any. */
    private static java.util.Optional<ProcessHandle> postmaster(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
            if (lines.isEmpty()) {
                return java.util.Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().command().map(command -> command.endsWith("postgres")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Fast shutdown (SIGINT: disconnect clients, checkpoint, exit), SIGKILL if that takes too long. */
    private static void stop(ProcessHandle postmaster) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).inheritIO().start().waitFor();
            postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
            postmaster.destroyForcibly();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
        }
        if (postmaster != null && postmaster.isAlive()) {
            stop(postmaster);
        }
    }
}
