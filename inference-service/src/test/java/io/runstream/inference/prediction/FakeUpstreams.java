package io.runstream.inference.prediction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server playing training-service's internal model endpoints and dataset-service's
 * internal content and file endpoints, in the agreed shapes.
 */
final class FakeUpstreams implements AutoCloseable {

    record Bundle(long trainId, int version, long preprocessId, String problemType, String predictorName,
                  byte[] model, byte[] preprocess) {
    }

    private static final Pattern MODEL = Pattern.compile("/internal/v1/models/(\\d+)(/files/([^/]+))?");
    private static final Pattern DATASET = Pattern.compile("/internal/v1/datasets/(\\d+)/(content|files)");

    private final HttpServer server;
    final Map<String, Bundle> bundles = new ConcurrentHashMap<>();
    final Map<String, String> notTrained = new ConcurrentHashMap<>();
    final Map<String, String> datasets = new ConcurrentHashMap<>();
    final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
    /** Datasets whose content stops after the header line and never ends (until the server closes). */
    final Set<String> stalledDatasets = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fake-upstream");
        thread.setDaemon(true);
        return thread;
    });

    FakeUpstreams() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/internal/v1/", this::handle);
        // a handler of its own per exchange: one slow exchange (a background batch's upload, a stalled
        // dataset) must not hold every other call, as the JDK server's single default thread would
        server.setExecutor(handlers);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            send(exchange, 401, "{\"status\":401}");
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String tenant = query.getOrDefault("tenant", "");
        String path = exchange.getRequestURI().getPath();
        Matcher model = MODEL.matcher(path);
        Matcher dataset = DATASET.matcher(path);
        if (model.matches()) {
            String key = tenant + "/" + model.group(1);
            if (notTrained.containsKey(key)) {
                send(exchange, 409, "{\"status\":409,\"training_status\":\"" + notTrained.get(key) + "\"}");
                return;
            }
            Bundle bundle = bundles.get(key);
            if (bundle == null) {
                send(exchange, 404, "{\"status\":404}");
                return;
            }
            if (model.group(3) == null) {
                send(exchange, 200, metadata(bundle, tenant));
            } else if (model.group(3).equals("model.json")) {
                sendBytes(exchange, bundle.model());
            } else if (model.group(3).equals("preprocess.json")) {
                sendBytes(exchange, bundle.preprocess());
            } else {
                send(exchange, 404, "{\"status\":404}");
            }
        } else if (dataset.matches()) {
            String key = tenant + "/" + dataset.group(1);
            if (dataset.group(2).equals("content")) {
                String csv = datasets.get(key);
                if (stalledDatasets.contains(key)) {
                    stall(exchange, csv.substring(0, csv.indexOf('\n') + 1));
                } else if (csv == null) {
                    send(exchange, 404, "{\"status\":404}");
                } else {
                    sendBytes(exchange, csv.getBytes(StandardCharsets.UTF_8));
                }
            } else {
                byte[] body = exchange.getRequestBody().readAllBytes();
                uploads.put(key + "/" + query.get("file_name"), body);
                send(exchange, 201, "{\"file_id\": 81, \"file_name\": \"" + query.get("file_name")
                        + "\", \"file_path\": \"datasets/" + dataset.group(1) + "/" + query.get("file_name") + "\"}");
            }
        } else {
            send(exchange, 404, "{\"status\":404}");
        }
    }

    private static String metadata(Bundle bundle, String tenant) {
        return "{\"train_id\":" + bundle.trainId() + ",\"tenant_id\":\"" + tenant + "\",\"predictor_name\":\""
                + bundle.predictorName() + "\",\"problem_type\":\"" + bundle.problemType() + "\",\"domain\":\"Test\","
                + "\"model_version\":" + bundle.version() + ",\"preprocess_id\":" + bundle.preprocessId()
                + ",\"status\":\"completed\",\"manifest\":{\"files\":{"
                + "\"model.json\":{\"size\":" + bundle.model().length + ",\"sha256\":\"" + sha256(bundle.model()) + "\"},"
                + "\"preprocess.json\":{\"size\":" + bundle.preprocess().length + ",\"sha256\":\"" + sha256(bundle.preprocess())
                + "\"}}}}";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendBytes(HttpExchange exchange, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void stall(HttpExchange exchange, String header) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/csv");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(header.getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            closing.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
