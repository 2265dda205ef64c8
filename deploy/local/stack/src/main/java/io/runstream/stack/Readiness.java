package io.runstream.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Waits until every service's {@code /actuator/health/readiness} answers UP, or says clearly which one did not. */
final class Readiness {

    private static final Pattern UP = Pattern.compile("^\\s*\\{\\s*\"status\"\\s*:\\s*\"UP\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param ready called with a line like "auth-service ready in 21.3 s" as each service becomes ready
     * @throws StackException naming the service and its log when one exits or the timeout passes
     */
    void await(List<ServiceProcess> services, Duration timeout, Consumer<String> ready) throws StackException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<ServiceProcess, String> pending = new LinkedHashMap<>();
        services.forEach(service -> pending.put(service, "no answer yet"));
        while (!pending.isEmpty()) {
            for (ServiceProcess service : new ArrayList<>(pending.keySet())) {
                if (!service.isAlive()) {
                    String failure = service.startupFailure();
                    throw new StackException(service.name() + " exited with code " + service.process().exitValue()
                            + " before it became ready. Its log: " + service.log() + "\n"
                            + (failure != null ? failure : "--- last lines ---\n" + service.logTail(30)));
                }
                String answer = probe(service.port());
                if (answer == null) {
                    pending.remove(service);
                    ready.accept(String.format("%-18s ready on port %d after %.1f s", service.name(), service.port(),
                            (System.nanoTime() - start) / 1e9));
                } else {
                    pending.put(service, answer);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder message = new StringBuilder("not ready within " + timeout.toSeconds() + " s:");
                pending.forEach((service, answer) -> message.append("\n  ").append(service.name()).append(" (")
                        .append(answer).append(") — see its log ").append(service.log()));
                ServiceProcess first = pending.keySet().iterator().next();
                message.append("\n--- last lines of ").append(first.name()).append(" ---\n").append(first.logTail(30));
                throw new StackException(message.toString());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for the services");
            }
        }
    }

    /** @return null when the service is ready, otherwise what it answered */
    private String probe(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && UP.matcher(response.body()).find()) {
                return null;
            }
            String body = response.body().replaceAll("\\s+", " ");
            return "HTTP " + response.statusCode() + " " + (body.length() > 120 ? body.substring(0, 120) + "…" : body);
        } catch (IOException e) {
            return "not listening yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
