package io.runstream.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the launcher can be told, from command-line options ({@code --name=value}) first, then environment
 * variables, then defaults. The defaults are the cross-service contract: PostgreSQL 15432, Kafka 19092, gateway 8080
 * and the services on 8081..8085.
 */
public record StackSettings(
        Path repository,
        Path dataDirectory,
        int postgresPort,
        int kafkaPort,
        int kafkaControllerPort,
        int basePort,
        String adminUsername,
        String configuredAdminPassword,
        String configuredServiceSecret,
        String serviceJavaOptions,
        Duration readinessTimeout,
        Duration stopGracePeriod,
        boolean detach) {

    static final String DEFAULT_JAVA_OPTIONS =
            "-Xmx256m -XX:+IgnoreUnrecognizedVMOptions --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    public static StackSettings from(String[] args, Map<String, String> env) {
        Options options = new Options(args, env);
        Path repository = options.path("repo", "RUNSTREAM_REPO", null);
        if (repository == null) {
            repository = findRepository(Path.of("").toAbsolutePath());
        }
        Path data = options.path("data-dir", "RUNSTREAM_DATA_DIR", repository.resolve("deploy/local/data"));
        int kafkaPort = options.integer("kafka-port", "RUNSTREAM_KAFKA_PORT", 19092);
        return new StackSettings(
                repository.toAbsolutePath().normalize(),
                data.toAbsolutePath().normalize(),
                options.integer("postgres-port", "RUNSTREAM_POSTGRES_PORT", 15432),
                kafkaPort,
                options.integer("kafka-controller-port", "RUNSTREAM_KAFKA_CONTROLLER_PORT", kafkaPort + 1),
                options.integer("base-port", "RUNSTREAM_BASE_PORT", 8080),
                options.string("admin-username", "RUNSTREAM_ADMIN_USERNAME", "admin"),
                options.string("admin-password", "RUNSTREAM_ADMIN_PASSWORD", null),
                options.string("service-secret", "RUNSTREAM_SERVICE_SECRET", null),
                options.string("java-options", "RUNSTREAM_SERVICE_JAVA_OPTS", DEFAULT_JAVA_OPTIONS),
                Duration.ofSeconds(options.integer("timeout", "RUNSTREAM_STACK_TIMEOUT_SECONDS", 600)),
                Duration.ofSeconds(options.integer("stop-grace", "RUNSTREAM_STACK_STOP_GRACE_SECONDS", 20)),
                options.flag("detach"));
    }

    public Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    public Path pidFile() {
        return dataDirectory.resolve("stack.pid");
    }

    public String gatewayUrl() {
        return "http://localhost:" + Service.GATEWAY.port(basePort);
    }

    /** The repository root is the first ancestor holding the launcher module. */
    static Path findRepository(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/local/stack/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalArgumentException(
                "cannot find the Runstream repository above " + start + "; pass --repo=<path> or set RUNSTREAM_REPO");
    }

    private static final class Options {
        private static final java.util.List<String> KNOWN = java.util.List.of("repo", "data-dir", "postgres-port", "kafka-port",
                "kafka-controller-port", "base-port", "admin-username", "admin-password", "service-secret", "java-options",
                "timeout", "stop-grace", "detach");
        private final String[] args;
        private final Map<String, String> env;

        Options(String[] args, Map<String, String> env) {
            this.args = args;
            this.env = env;
            for (String arg : args) {
                String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : "";
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("unknown argument " + arg + "; known options: --" + String.join(", --", KNOWN));
                }
            }
        }

        String string(String option, String variable, String fallback) {
            String prefix = "--" + option + "=";
            for (String arg : args) {
                if (arg.startsWith(prefix)) {
                    return arg.substring(prefix.length());
                }
            }
            String value = env.get(variable);
            return value == null || value.isBlank() ? fallback : value;
        }

        Path path(String option, String variable, Path fallback) {
            String value = string(option, variable, null);
            return value == null ? fallback : Path.of(value);
        }

        int integer(String option, String variable, int fallback) {
            String value = string(option, variable, null);
            try {
                return value == null ? fallback : Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + option + " / " + variable + " must be a number, not " + value);
            }
        }

        boolean flag(String option) {
            for (String arg : args) {
                if (arg.equals("--" + option)) {
                    return true;
                }
            }
            return false;
        }
    }
}
