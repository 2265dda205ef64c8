package io.runstream.training.predictor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real HTTP server that plays dataset-service's internal endpoints: CSV per (tenant, dataset id). */
final class FakeDatasetService implements AutoCloseable {

    private static final Pattern PATH = Pattern.compile("/internal/v1/datasets/(\\d+)/(content|schema)");

    private final HttpServer server;
    private final Map<String, String> datasets = new ConcurrentHashMap<>();

    FakeDatasetService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/internal/v1/datasets/", this::handle);
        // each exchange on its own thread: the JDK server's single default thread would queue every
        // call behind a slow one
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "fake-dataset-service");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void put(String tenant, long id, String csv) {
        datasets.put(tenant + "/" + id, csv);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
        String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
        String tenant = query.startsWith("tenant=") ? query.substring("tenant=".length()) : "";
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            send(exchange, 401, "application/problem+json", "{\"status\":401}");
            return;
        }
        String csv = m.matches() ? datasets.get(tenant + "/" + m.group(1)) : null;
        if (csv == null) {
            send(exchange, 404, "application/problem+json", "{\"status\":404}");
            return;
        }
        if (m.group(2).equals("content")) {
            send(exchange, 200, "text/csv", csv);
        } else {
            StringBuilder schema = new StringBuilder("[");
            String[] header = csv.substring(0, csv.indexOf('\n')).split(",");
            for (int i = 0; i < header.length; i++) {
                schema.append(i == 0 ? "" : ",").append("{\"column_name\":\"").append(header[i]).append("\",\"data_type\":\"String\"}");
            }
            send(exchange, 200, "application/json", schema.append("]").toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
