package io.runstream.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Starts the real stack through the launcher — PostgreSQL, Kafka and all six services as processes, in a temporary
 * data folder on free ports — and drives it only through the gateway, like a client would. Stopping it must leave
 * no process behind.
 */
class EndToEndIT {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(12);

    private static Path data;
    private static Process launcher;
    private static Path launcherOutput;
    private static final List<ProcessHandle> started = new ArrayList<>();
    private static String gateway;
    private static boolean ready;

    @BeforeAll
    static void startStack() throws Exception {
        data = Files.createTempDirectory("runstream-e2e-");
        launcherOutput = data.resolve("launcher.out");
        int basePort = freeConsecutivePorts(6);
        gateway = "http://localhost:" + basePort;

        Path repository = Path.of(System.getProperty("runstream.repo", "../../..")).toAbsolutePath().normalize();
        Path classpathFile = Path.of(System.getProperty("runstream.stack.classpath-file", "target/runtime-classpath.txt"));
        String classes = System.getProperty("runstream.stack.classes", "target/classes");
        String classpath = Files.readString(classpathFile).trim() + java.io.File.pathSeparator + classes;

        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, LocalStack.class.getName(),
                "--repo=" + repository,
                "--data-dir=" + data,
                "--base-port=" + basePort,
                "--postgres-port=" + freePort(),
                "--kafka-port=" + freePort(),
                "--kafka-controller-port=" + freePort(),
                "--timeout=" + STARTUP_TIMEOUT.minusMinutes(1).toSeconds());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(launcherOutput.toFile());
        // the developer's own stack settings must not leak into the test's stack
        builder.environment().keySet().removeIf(name -> name.startsWith("RUNSTREAM_"));
        launcher = builder.start();

        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Path pidFile = data.resolve("stack.pid");
        while (!isReady(pidFile)) {
            if (!launcher.isAlive()) {
                fail("the launcher exited with code " + launcher.exitValue() + " before the stack was ready:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                fail("the stack was not ready within " + STARTUP_TIMEOUT + ":\n" + output());
            }
            Thread.sleep(500);
        }
        assertThat(launcher.children().count()).as("the launcher's children: one JVM per service").isEqualTo(6);
        launcher.descendants().forEach(started::add);
        // pg_ctl starts PostgreSQL as a daemon: it is not a descendant of the launcher, so track it explicitly
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
        ProcessHandle.of(postmaster).ifPresent(postgres -> {
            started.add(postgres);
            postgres.descendants().forEach(started::add);
        });
        ready = true;
        System.out.println(output());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (launcher == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(started);
        launcher.descendants().forEach(all::add);
        launcher.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        boolean exited = launcher.waitFor(3, TimeUnit.MINUTES);
        List<String> leftovers = all.stream().filter(ProcessHandle::isAlive)
                .map(process -> process.pid() + " " + process.info().commandLine().orElse("?")).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        if (!exited) {
            launcher.destroyForcibly();
        }
        String output = output();
        deleteQuietly(data);
        assertThat(exited).as("launcher stops on SIGTERM\n" + output).isTrue();
        assertThat(leftovers).as("processes left behind after the stack stopped\n" + output).isEmpty();
        if (!ready) {
            return; // @BeforeAll has already reported why the stack did not start
        }
        assertThat(started.size()).as("six services plus PostgreSQL's processes were watched").isGreaterThan(7);
    }

    @Test
    void health_throughGateway_listsEveryServiceUp() throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/health")).GET());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode health = JSON.readTree(response.body());
            assertThat(health.path("status").asString()).as(response.body()).isEqualTo("healthy");
            for (String service : List.of("auth-service", "job-service", "dataset-service", "training-service",
                    "inference-service")) {
                assertThat(health.path("services").path(service).asString()).as(service + " in " + response.body())
                        .isEqualTo("UP");
            }
        });
    }

    @Test
    void echoRun_createdThroughGateway_streamsRunCreatedAndIsReadable() throws Exception {
        String token = "Bearer " + adminAccessToken();

        // job definitions arrive asynchronously (job.registered on Kafka)
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> job = send(HttpRequest.newBuilder(uri("/api/v1/jobs/system/echo"))
                    .header("Authorization", token).GET());
            assertThat(job.statusCode()).as(job.body()).isEqualTo(200);
        });

        // a live subscriber, open before the run exists, must see run.created as it happens
        HttpResponse<Stream<String>> live = openEvents("/api/v1/events/runs?job_id="
                + URLEncoder.encode("system/echo", StandardCharsets.UTF_8), token, null);

        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/v1/runs"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"job_id\":\"system/echo\",\"args\":{\"message\":\"hello\"}}")));
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201, 202);
        JsonNode run = JSON.readTree(created.body());
        String runId = run.path("run_id").asString();
        assertThat(runId).as(created.body()).startsWith("run_");
        assertThat(run.path("job_id").asString()).isEqualTo("system/echo");

        assertThat(firstEvent(live, "run.created", runId)).contains("\"job_id\":\"system/echo\"");

        // the run's own stream, resumed from the beginning, replays run.created too (whatever the run did meanwhile)
        HttpResponse<Stream<String>> resumed = openEvents("/api/v1/events/runs?run_id=" + runId, token, "0");
        assertThat(firstEvent(resumed, "run.created", runId)).contains(runId);

        HttpResponse<String> fetched = send(HttpRequest.newBuilder(uri("/api/v1/runs/" + runId))
                .header("Authorization", token).GET());
        assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
        JsonNode view = JSON.readTree(fetched.body());
        assertThat(view.path("run_id").asString()).isEqualTo(runId);
        assertThat(view.path("job_id").asString()).isEqualTo("system/echo");
        assertThat(view.path("args").path("message").asString()).isEqualTo("hello");

        // system/echo logs its message and completes with it as the result
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> finished = send(HttpRequest.newBuilder(uri("/api/v1/runs/" + runId))
                    .header("Authorization", token).GET());
            assertThat(JSON.readTree(finished.body()).path("status").asString()).as(finished.body()).isEqualTo("completed");
        });

        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/api/v1/runs/" + runId)).GET());
        assertThat(anonymous.statusCode()).as("a run is not readable without a token").isEqualTo(401);
    }

    private static HttpResponse<Stream<String>> openEvents(String path, String token, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", token).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> stream = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return stream;
    }

    /** Data of the first SSE event named {@code name} about {@code runId}; fails after 60 s; closes the stream. */
    private static String firstEvent(HttpResponse<Stream<String>> stream, String name, String runId) throws Exception {
        CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> readUntil(stream.body(), name, runId));
        try {
            return event.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no " + name + " for " + runId + " on the event stream within 60 s");
        } finally {
            event.cancel(true);
            stream.body().close();
        }
    }

    private static String readUntil(Stream<String> lines, String name, String runId) {
        String event = "message";
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.isEmpty()) {
                if (event.equals(name) && data.indexOf(runId) >= 0) {
                    return data.toString();
                }
                event = "message";
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
        throw new IllegalStateException("the event stream ended without " + name + " for " + runId);
    }

    private static String adminAccessToken() throws Exception {
        String password = Files.readString(data.resolve("admin-password")).trim();
        String form = "username=admin&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri("/api/v1/login/access-token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = JSON.readTree(login.body()).path("access_token").asString();
        assertThat(token).as(login.body()).isNotBlank();
        return token;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create(gateway + path);
    }

    private static boolean isReady(Path pidFile) throws IOException {
        return Files.isRegularFile(pidFile) && Files.readString(pidFile).trim().equals(Long.toString(launcher.pid()));
    }

    private static String output() {
        try (InputStream in = Files.newInputStream(launcherOutput)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no launcher output: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** A base port such that it and the next {@code count - 1} ports are free (gateway = base, services above it). */
    private static int freeConsecutivePorts(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            boolean free = true;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }

    private static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
