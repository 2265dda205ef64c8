package io.runstream.auth;

import io.runstream.auth.password.Passwords;
import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Login latency with the production password-hash parameters (application.yml): not part of the
 * normal suite (the name does not match surefire's includes); run it with bench/auth/login-latency.sh.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "runstream.auth.bootstrap-admin.username=bench",
        "runstream.auth.bootstrap-admin.password=Bench-passw0rd",
})
@AutoConfigureWebTestClient(timeout = "PT60S")
@RealInfrastructure
class LoginLatencyBench {

    private static final int WARMUP = 10;
    private static final int SEQUENTIAL = 60;
    private static final int CONCURRENT_CLIENTS = 4;
    private static final int CONCURRENT_LOGINS = 80;

    @Autowired
    WebTestClient web;
    @Autowired
    Passwords passwords;

    @Test
    void measureLoginLatency() throws IOException {
        String hash = passwords.hash("Bench-passw0rd").block();
        List<Long> verify = new ArrayList<>();
        for (int i = 0; i < WARMUP + SEQUENTIAL; i++) {
            long start = System.nanoTime();
            passwords.matches("Bench-passw0rd", hash).block();
            if (i >= WARMUP) {
                verify.add(System.nanoTime() - start);
            }
        }
        List<Long> sequential = new ArrayList<>();
        for (int i = 0; i < WARMUP + SEQUENTIAL; i++) {
            long start = System.nanoTime();
            login();
            if (i >= WARMUP) {
                sequential.add(System.nanoTime() - start);
            }
        }
        List<Long> concurrent = Collections.synchronizedList(new ArrayList<>());
        long wallStart = System.nanoTime();
        Flux.range(0, CONCURRENT_LOGINS)
                .parallel(CONCURRENT_CLIENTS).runOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .doOnNext(i -> {
                    long start = System.nanoTime();
                    login();
                    concurrent.add(System.nanoTime() - start);
                })
                .sequential().blockLast(Duration.ofMinutes(5));
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;

        String report = """
                # auth-service login latency (%s)

                machine: %d CPUs, load average at the end: %s
                hash: Argon2id, parameters from application.yml (runstream.auth.passwords.*)

                | measurement | n | p50 ms | p90 ms | p99 ms | mean ms |
                |---|---|---|---|---|---|
                | Argon2id verify alone (hash pool) | %s
                | POST /api/v1/login/access-token, 1 client | %s
                | POST /api/v1/login/access-token, %d clients | %s

                %d concurrent logins took %.2f s: %.1f logins/s
                """.formatted(java.time.Instant.now(), Runtime.getRuntime().availableProcessors(), loadAverage(),
                row(verify), row(sequential), CONCURRENT_CLIENTS, row(concurrent),
                CONCURRENT_LOGINS, wallSeconds, CONCURRENT_LOGINS / wallSeconds);
        System.out.println(report);
        Path out = Path.of("target", "login-latency.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private void login() {
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", "bench").with("password", "Bench-passw0rd"))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult();
    }

    private static String row(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        double mean = sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        return "%d | %.1f | %.1f | %.1f | %.1f |".formatted(sorted.size(), pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), mean);
    }

    private static double pct(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
