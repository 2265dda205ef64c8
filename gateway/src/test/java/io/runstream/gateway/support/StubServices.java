package io.runstream.gateway.support;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import org.springframework.test.context.DynamicPropertyRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small real HTTP servers standing in for the five services: each echoes what it received (method,
 * path, query, headers) as JSON, answers {@code /actuator/health}, and a few paths behave like the
 * real thing (auth's JWKS, API-key exchange and login; job's SSE streams; a slow training call; a
 * dataset upload). Started once per test JVM and shared by the test classes.
 */
public final class StubServices {

    public static final int SSE_EVENTS = 1000;
    public static final int LOG_LINES = 9;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile StubServices shared;

    private final Map<String, DisposableServer> servers = new LinkedHashMap<>();
    public final Map<String, String> apiKeys = new ConcurrentHashMap<>();
    public final AtomicInteger exchangeCalls = new AtomicInteger();
    public final AtomicInteger jwksCalls = new AtomicInteger();
    /** The secret the gateway's client-credentials grant must present (set as runstream.service-client.secret). */
    public static final String SERVICE_SECRET = "test-service-secret";
    private final java.util.Set<String> serviceTokens = ConcurrentHashMap.newKeySet();

    private StubServices() {
        for (String name : new String[]{"auth", "job", "dataset", "training", "inference"}) {
            servers.put(name, HttpServer.create().host("127.0.0.1").port(0)
                    .handle((request, response) -> handle(name, request, response))
                    .bindNow());
        }
    }

    public static synchronized StubServices shared() {
        if (shared == null) {
            shared = new StubServices();
        }
        return shared;
    }

    public URI uri(String service) {
        return URI.create("http://127.0.0.1:" + servers.get(service).port());
    }

    public String jwksUri() {
        return uri("auth") + "/.well-known/jwks.json";
    }

    /** Points the gateway's routes at these stubs, and its JWKS at the auth stub's. */
    public void registerAll(DynamicPropertyRegistry registry) {
        registerServices(registry);
        registry.add("runstream.security.jwks-uri", this::jwksUri);
    }

    /** Points the gateway's routes at these stubs (the JWKS is the caller's to choose). */
    public void registerServices(DynamicPropertyRegistry registry) {
        for (String service : List.of("auth", "job", "dataset", "training", "inference")) {
            registry.add("runstream.gateway.services." + service, () -> uri(service).toString());
        }
    }

    /**
     * An address where nothing listens, for as long as this JVM runs: a socket bound to a port but never listening,
     * so a connection is refused at once and no other server can take the port. (A port found free and released
     * again was handed to another server during a CI run, which then answered the "down" service's calls.)
     */
    public static URI deadService() {
        return URI.create("http://127.0.0.1:" + DeadPort.PORT);
    }

    private static final class DeadPort {
        static final SocketChannel HELD;
        static final int PORT;

        static {
            try {
                HELD = SocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                PORT = ((InetSocketAddress) HELD.getLocalAddress()).getPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Publisher<Void> handle(String service, HttpServerRequest request, HttpServerResponse response) {
        String path = URI.create(request.uri()).getPath();
        String query = URI.create(request.uri()).getRawQuery();
        if (path.equals("/actuator/health")) {
            return json(response, 200, Map.of("status", "UP"));
        }
        if (service.equals("auth") && path.equals("/.well-known/jwks.json")) {
            jwksCalls.incrementAndGet();
            return response.header("Content-Type", "application/json").sendString(Mono.just(TestKeys.jwks()));
        }
        if (service.equals("auth") && path.equals("/internal/v1/api-keys/exchange")) {
            exchangeCalls.incrementAndGet();
            String authorization = request.requestHeaders().get("Authorization");
            if (authorization == null || !serviceTokens.contains(authorization.replace("Bearer ", ""))) {
                return json(response, 403, Map.of("status", 403, "title", "Only services may exchange API keys"));
            }
            String subject = apiKeys.get(String.valueOf(request.requestHeaders().get("X-API-KEY")));
            if (subject == null) {
                return json(response, 401, Map.of("status", 401, "title", "Unauthorized"));
            }
            // signing reads SecureRandom (RSA blinding): not on the event loop
            return Mono.fromCallable(() -> TestKeys.user(subject).tenant("keyco").sign()).subscribeOn(Schedulers.boundedElastic())
                    .flatMap(token -> Mono.from(json(response, 200, Map.of("access_token", token, "expires_in", 300))));
        }
        if (service.equals("auth") && path.equals("/api/v1/login/access-token")) {
            return request.receive().aggregate().asString().defaultIfEmpty("").flatMap(form -> {
                if (form.contains("grant_type=client_credentials")) {
                    if (!form.contains("client_secret=" + SERVICE_SECRET) || !form.contains("client_id=gateway")) {
                        return Mono.from(json(response, 401, Map.of("status", 401, "title", "Invalid Client")));
                    }
                    return Mono.fromCallable(() -> TestKeys.user("service:gateway").tenant("system").sign())
                            .subscribeOn(Schedulers.boundedElastic())
                            .doOnNext(serviceTokens::add)
                            .flatMap(token -> Mono.from(json(response, 200,
                                    Map.of("access_token", token, "token_type", "bearer", "expires_in", 600))));
                }
                boolean ok = form.contains("password=right");
                return Mono.from(json(response, ok ? 200 : 401, ok ? Map.of("access_token", "t", "token_type", "bearer")
                        : Map.of("status", 401, "title", "Unauthorized")));
            });
        }
        if (service.equals("job") && path.equals("/api/v1/events/runs")) {
            return response.header("Content-Type", "text/event-stream")
                    .sendString(Flux.range(0, SSE_EVENTS)
                            .map(i -> "id: " + i + "\nevent: run.progress\ndata: {\"seq\":" + i + "}\n\n"));
        }
        if (service.equals("job") && path.matches("/api/v1/runs/[^/]+/logs") && "follow=true".equals(query)) {
            // outlives the test's 3 s response timeout and time limiter on purpose
            return response.header("Content-Type", "text/event-stream")
                    .sendString(Flux.interval(Duration.ofMillis(500)).take(LOG_LINES)
                            .map(i -> "id: " + i + "\nevent: log\ndata: line " + i + "\n\n"));
        }
        if (service.equals("training") && path.equals("/api/v1/train/slow")) {
            return Mono.delay(Duration.ofSeconds(5)).then(Mono.from(json(response, 200, Map.of("slow", true))));
        }
        if (service.equals("dataset") && path.equals("/api/v1/dataset/upload")) {
            return request.receive().map(buffer -> (long) buffer.readableBytes()).reduce(0L, Long::sum)
                    .flatMap(bytes -> Mono.from(json(response, 200, Map.of("bytes", bytes))));
        }
        return request.receive().then().then(Mono.defer(() -> {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("service", service);
            echo.put("method", request.method().name());
            echo.put("path", path);
            echo.put("query", query == null ? "" : query);
            Map<String, String> headers = new LinkedHashMap<>();
            request.requestHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            echo.put("headers", headers);
            String requestId = request.requestHeaders().get("X-Request-Id");
            if (requestId != null) {
                response.header("X-Request-Id", requestId); // as every service does (platform RequestIdWebFilter)
            }
            return Mono.from(json(response, 200, echo));
        }));
    }

    private static Publisher<Void> json(HttpServerResponse response, int status, Object body) {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        return response.status(HttpResponseStatus.valueOf(status))
                .header("Content-Type", status >= 400 ? "application/problem+json" : "application/json")
                .sendByteArray(Mono.just(bytes));
    }
}
