package io.runstream.stack;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command local stack: real PostgreSQL and Kafka in this JVM, the six services as child JVMs. Prints the
 * gateway URL and the admin credentials once everything is ready, then stays in the foreground until Ctrl-C (or
 * SIGTERM from {@code deploy/local/down}), which stops every process it started.
 *
 * <p>With {@code --detach} it starts itself again in the background, returns once that stack is ready, and leaves
 * {@code <data>/stack.pid} for {@code deploy/local/down}.
 */
public final class LocalStack implements AutoCloseable {

    private static final String BACKGROUND = "--background";

    private final StackSettings settings;
    private final PrintStream out;
    private final List<ServiceProcess> services = new ArrayList<>();
    private Infrastructure infrastructure;
    private boolean closed;
    private boolean ownsPidFile;

    private LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) {
        boolean background = List.of(args).contains(BACKGROUND);
        StackSettings settings;
        try {
            settings = StackSettings.from(List.of(args).stream().filter(a -> !a.equals(BACKGROUND)).toArray(String[]::new),
                    System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("local stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        routeInfrastructureLogs(settings);
        try {
            if (settings.detach()) {
                System.exit(startDetached(settings, args));
            }
            LocalStack stack = new LocalStack(settings, System.out);
            Thread hook = new Thread(stack::close, "local-stack-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stack.start(!background);
            stack.watchServices();
            new CountDownLatch(1).await();
        } catch (StackException e) {
            System.err.println();
            System.err.println("local stack: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            System.err.println();
            System.err.println("local stack: could not start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Starts the infrastructure and the services and waits until all are ready.
     *
     * @param showGeneratedPassword whether a freshly generated admin password may be printed (not into a log file)
     */
    void start(boolean showGeneratedPassword) throws Exception {
        long begin = System.nanoTime();
        Files.createDirectories(settings.dataDirectory());
        refuseWhenAlreadyRunning();
        Map<Service, Path> jars = requireJars();
        requireFreePorts();

        Secrets.Secret serviceSecret = settings.configuredServiceSecret() != null
                ? new Secrets.Secret(settings.configuredServiceSecret(), false, null)
                : Secrets.readOrGenerate(settings.dataDirectory().resolve("service-secret"), 32);
        // auth-service encrypts its signing keys at rest with this; it must stay the same across restarts
        Secrets.Secret keyEncryptionSecret = Secrets.readOrGenerate(settings.dataDirectory().resolve("key-encryption-secret"), 32);
        Secrets.Secret adminPassword = settings.configuredAdminPassword() != null
                ? new Secrets.Secret(settings.configuredAdminPassword(), false, null)
                : Secrets.readOrGenerate(adminPasswordFile(settings), 15);

        out.printf("Runstream local stack — data folder %s%n", settings.dataDirectory());
        Infrastructure started = Infrastructure.start(settings.dataDirectory(), settings.postgresPort(),
                settings.kafkaPort(), settings.kafkaControllerPort());
        synchronized (this) {
            if (closed) {
                started.close();
                throw new StackException("stopped while starting");
            }
            infrastructure = started;
        }
        out.printf("  PostgreSQL 17      ready on 127.0.0.1:%d after %.1f s%n", settings.postgresPort(),
                started.timings().postgresMillis() / 1e3);
        out.printf("  Kafka (KRaft)      ready on 127.0.0.1:%d after %.1f s%n", settings.kafkaPort(),
                started.timings().kafkaMillis() / 1e3);

        long servicesBegin = System.nanoTime();
        for (Service service : Service.values()) {
            launch(service, jars.get(service), serviceSecret.value(), adminPassword.value(), keyEncryptionSecret.value());
        }
        new Readiness().await(List.copyOf(services), settings.readinessTimeout(), line -> out.println("  " + line));
        long end = System.nanoTime();

        out.println();
        out.printf("All six services are ready: %.1f s after launching them, %.1f s in total.%n",
                (end - servicesBegin) / 1e9, (end - begin) / 1e9);
        List<ProcessHandle> roots = new ArrayList<>(List.of(ProcessHandle.current()));
        started.postgresProcess().ifPresent(roots::add);
        out.println(MemoryUsage.of(roots).describe());
        out.println();
        out.println("  Gateway:   " + settings.gatewayUrl() + "   (try: curl " + settings.gatewayUrl() + "/api/v1/health)");
        out.println("  Admin:     " + settings.adminUsername());
        if (settings.configuredAdminPassword() != null) {
            out.println("  Password:  (as configured in RUNSTREAM_ADMIN_PASSWORD)");
        } else if (adminPassword.generated() && showGeneratedPassword) {
            out.println("  Password:  " + adminPassword.value() + "   (generated now and shown only once; also stored in "
                    + adminPassword.file() + ")");
        } else {
            out.println("  Password:  in " + adminPassword.file() + "   (cat it)");
        }
        out.println("  Logs:      " + settings.logDirectory());
        out.println("  Stop:      Ctrl-C, or deploy/local/down");
        out.flush();
        writePidFile(); // last: for deploy/local/up --detach and the end-to-end test it means "ready"
    }

    private void launch(Service service, Path jar, String serviceSecret, String adminPassword, String keyEncryptionSecret)
            throws IOException {
        int port = service.port(settings.basePort());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : settings.serviceJavaOptions().trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.add("-jar");
        command.add(jar.toString());

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORT", Integer.toString(port));
        if (service.database() != null) {
            // a connection costs a PostgreSQL process; open them as needed rather than ten per service up front
            env.put("SPRING_R2DBC_POOL_INITIALSIZE", "1");
            env.put("RUNSTREAM_DB_R2DBC_URL", infrastructure.r2dbcUrl(service.database()));
            env.put("RUNSTREAM_DB_JDBC_URL", infrastructure.jdbcUrl(service.database()));
            env.put("RUNSTREAM_DB_USER", infrastructure.databaseUser());
            env.put("RUNSTREAM_DB_PASSWORD", infrastructure.databasePassword());
        }
        env.put("RUNSTREAM_KAFKA_BOOTSTRAP", infrastructure.kafkaBootstrapServers());
        env.put("RUNSTREAM_JWKS_URI", "http://localhost:" + Service.AUTH.port(settings.basePort()) + "/.well-known/jwks.json");
        env.put("RUNSTREAM_DATA_DIR", settings.dataDirectory().resolve("storage").toString());
        env.put("RUNSTREAM_SERVICE_SECRET", serviceSecret);
        // service-to-service calls must reach this stack's services, also when it runs on other ports
        env.put("RUNSTREAM_SERVICECLIENT_TOKENURI", "http://localhost:" + Service.AUTH.port(settings.basePort())
                + "/api/v1/login/access-token");
        for (Service other : Service.values()) {
            if (other != Service.GATEWAY) {
                env.put(other.urlVariable(), "http://localhost:" + other.port(settings.basePort()));
            }
        }
        if (service == Service.AUTH) {
            env.put("RUNSTREAM_ADMIN_USERNAME", settings.adminUsername());
            env.put("RUNSTREAM_ADMIN_PASSWORD", adminPassword);
            env.put("RUNSTREAM_KEY_ENCRYPTION_SECRET", keyEncryptionSecret);
        }
        if (service == Service.GATEWAY) {
            for (Service target : Service.values()) {
                if (target.gatewayTargetVariable() != null) {
                    env.put(target.gatewayTargetVariable(), "http://localhost:" + target.port(settings.basePort()));
                }
            }
        }
        Path log = settings.logDirectory().resolve(service.module() + ".log");
        synchronized (this) {
            if (closed) {
                throw new IOException("stopped while starting");
            }
            services.add(ServiceProcess.start(service, port, command, env, settings.dataDirectory().resolve("storage"), log));
        }
    }

    /** A service that dies while the stack runs is reported, not silently ignored. */
    private void watchServices() {
        for (ServiceProcess service : services) {
            service.process().onExit().thenAccept(process -> {
                synchronized (this) {
                    if (!closed) {
                        out.printf("%n!! %s exited with code %d — see %s%n", service.name(), process.exitValue(), service.log());
                    }
                }
            });
        }
    }

    /** Stops the services (SIGTERM, then SIGKILL after the grace period, with their descendants), then Kafka and PostgreSQL. */
    @Override
    public void close() {
        List<ServiceProcess> running;
        Infrastructure infra;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = List.copyOf(services);
            infra = infrastructure;
        }
        out.println();
        out.println("Stopping the local stack…");
        List<ProcessHandle> survivors = ProcessTree.stop(running.stream().map(ServiceProcess::handle).toList(),
                settings.stopGracePeriod());
        for (ProcessHandle survivor : survivors) {
            System.err.println("process " + survivor.pid() + " did not stop: " + survivor.info().commandLine().orElse("?"));
        }
        if (infra != null) {
            infra.close();
        }
        if (ownsPidFile) {
            try {
                Files.deleteIfExists(processesFile(settings));
                Files.deleteIfExists(settings.pidFile());
            } catch (IOException ignored) {
                // the next start treats a pid file naming a dead process as stale
            }
        }
        out.println("Stopped.");
        out.flush();
    }

    private void refuseWhenAlreadyRunning() throws IOException, StackException {
        Optional<ProcessHandle> running = runningStack(settings);
        if (running.isPresent() && running.get().pid() != ProcessHandle.current().pid()) {
            throw new StackException("a local stack is already running on " + settings.dataDirectory() + " (pid "
                    + running.get().pid() + "); stop it first with deploy/local/down");
        }
    }

    /** The launcher named by the pid file, when it is still alive. */
    static Optional<ProcessHandle> runningStack(StackSettings settings) throws IOException {
        if (!Files.isRegularFile(settings.pidFile())) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(settings.pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code stack.pid} names this launcher (written last: its presence means "ready"); {@code stack.processes} lists
     * the processes it started, so that {@code deploy/local/down} can clean up even after the launcher was killed.
     */
    private void writePidFile() throws IOException {
        StringBuilder processes = new StringBuilder();
        for (ServiceProcess service : services) {
            processes.append(service.handle().pid()).append(' ').append(service.name()).append('\n');
        }
        infrastructure.postgresProcess().ifPresent(postgres -> processes.append(postgres.pid()).append(" postgres\n"));
        Files.writeString(processesFile(settings), processes, StandardCharsets.UTF_8);
        Path temporary = settings.pidFile().resolveSibling("stack.pid.tmp");
        Files.writeString(temporary, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, settings.pidFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ownsPidFile = true;
    }

    private Map<Service, Path> requireJars() throws StackException {
        Map<Service, Path> jars = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (Service service : Service.values()) {
            Path jar = ServiceProcess.jar(settings.repository(), service);
            if (jar == null) {
                missing.add(service.module() + "/target/" + service.module() + "-*.jar");
            } else {
                jars.put(service, jar);
            }
        }
        if (!missing.isEmpty()) {
            throw new StackException("missing service jars in " + settings.repository() + ": " + String.join(", ", missing)
                    + "\nbuild them with ./mvnw -B -DskipTests install (deploy/local/up does this for you)");
        }
        return jars;
    }

    private void requireFreePorts() throws StackException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("PostgreSQL", settings.postgresPort());
        ports.put("Kafka", settings.kafkaPort());
        ports.put("Kafka controller", settings.kafkaControllerPort());
        for (Service service : Service.values()) {
            ports.put(service.module(), service.port(settings.basePort()));
        }
        List<String> busy = new ArrayList<>();
        ports.forEach((name, port) -> {
            if (!isFree(port)) {
                busy.add(name + " " + port);
            }
        });
        if (!busy.isEmpty()) {
            throw new StackException("ports already in use: " + String.join(", ", busy)
                    + "\nIs another stack running? Stop it with deploy/local/down, or choose other ports with"
                    + " --base-port / --postgres-port / --kafka-port (env RUNSTREAM_BASE_PORT, RUNSTREAM_POSTGRES_PORT,"
                    + " RUNSTREAM_KAFKA_PORT).");
        }
    }

    private static boolean isFree(int port) {
        for (String address : List.of("127.0.0.1", "0.0.0.0")) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    static Path processesFile(StackSettings settings) {
        return settings.dataDirectory().resolve("stack.processes");
    }

    static Path adminPasswordFile(StackSettings settings) {
        return settings.dataDirectory().resolve("admin-password");
    }

    /** Kafka and zonky log through SLF4J: their warnings go to a file, not over the launcher's output. */
    private static void routeInfrastructureLogs(StackSettings settings) {
        try {
            Files.createDirectories(settings.logDirectory());
        } catch (IOException e) {
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", settings.logDirectory().resolve("infrastructure.log").toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    }

    /**
     * Starts the stack as a background process in its own session, follows its output until it is ready (its pid
     * file appears) or has failed, and returns the exit code for this process.
     */
    private static int startDetached(StackSettings settings, String[] args) throws Exception {
        Optional<ProcessHandle> running = runningStack(settings);
        if (running.isPresent()) {
            System.out.println("A local stack is already running on " + settings.dataDirectory() + " (pid "
                    + running.get().pid() + "): " + settings.gatewayUrl());
            return 0;
        }
        boolean passwordExisted = Files.exists(adminPasswordFile(settings));
        Path log = settings.logDirectory().resolve("stack.log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(settings.pidFile());

        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LocalStack.class.getName());
        for (String arg : args) {
            if (!arg.equals("--detach")) {
                command.add(arg);
            }
        }
        command.add("--repo=" + settings.repository());
        command.add("--data-dir=" + settings.dataDirectory());
        command.add(BACKGROUND);
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();

        long deadline = System.nanoTime() + settings.readinessTimeout().plusMinutes(2).toNanos();
        long shown = 0;
        while (true) {
            shown = follow(log, shown);
            Optional<ProcessHandle> ready = runningStack(settings);
            if (ready.isPresent()) {
                Thread.sleep(300);
                follow(log, shown);
                if (!passwordExisted && settings.configuredAdminPassword() == null
                        && Files.exists(adminPasswordFile(settings))) {
                    System.out.println("  Admin password (generated now, shown only once): "
                            + Files.readString(adminPasswordFile(settings)).trim());
                }
                System.out.println("Running in the background (pid " + ready.get().pid() + "); output in " + log);
                return 0;
            }
            if (!child.isAlive()) {
                follow(log, shown);
                System.err.println("The background stack exited (code " + child.exitValue() + "); see " + log);
                return 1;
            }
            if (System.nanoTime() > deadline) {
                System.err.println("The background stack did not become ready in time; stopping it. See " + log);
                child.toHandle().destroy();
                return 1;
            }
            Thread.sleep(250);
        }
    }

    private static long follow(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return from;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= from) {
                return from;
            }
            file.seek(from);
            byte[] bytes = new byte[(int) (length - from)];
            file.readFully(bytes);
            System.out.print(new String(bytes, StandardCharsets.UTF_8));
            System.out.flush();
            return length;
        }
    }
}
