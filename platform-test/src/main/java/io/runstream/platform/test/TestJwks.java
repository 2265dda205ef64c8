package io.runstream.platform.test;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A real HTTP endpoint publishing the test signing key as a JWKS, as auth-service publishes its
 * keys, so that services under test validate tokens exactly as they do in production.
 */
public final class TestJwks {

    public static final String PATH = "/.well-known/jwks.json";
    private static volatile String uri;

    private TestJwks() {
    }

    /** The JWKS URI; the server starts on first call and lives as long as the JVM. */
    public static String uri() {
        String current = uri;
        if (current == null) {
            synchronized (TestJwks.class) {
                current = uri;
                if (current == null) {
                    current = start();
                    uri = current;
                }
            }
        }
        return current;
    }

    private static String start() {
        byte[] body = new JWKSet(TestTokens.signingKey().toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(PATH, exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(null);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "stop-test-jwks"));
            return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the test JWKS server", e);
        }
    }
}
