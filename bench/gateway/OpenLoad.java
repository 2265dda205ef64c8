import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop (fixed-rate) HTTP load generator in the manner of wrk2, for latency at a given request rate:
 * wrk keeps a fixed number of requests in flight instead, and wrk2 (which has a rate option) is not packaged
 * in Debian. Like wrk2 it spreads the rate over a fixed number of keep-alive connections (default 16); each
 * connection has its own schedule (rate / connections per second) and sends its next request at the
 * scheduled moment, or as soon as the previous answer arrived when it is late. Every latency is counted from
 * the moment the schedule said the request should have started, so a stall shows up in the percentiles
 * (no coordinated omission). A fixed set of connections keeps the comparison about the request path: an
 * unbounded client opens new connections whenever answers slow down, and then measures connection set-up
 * through each hop instead. Runs with a plain JDK (17+), plain HTTP/1.1 only:
 *
 *   java bench/gateway/OpenLoad.java URL RATE_PER_SECOND DURATION_SECONDS [Header: value]...
 *   (environment: CONNECTIONS, default 16)
 *
 * Prints one line: sent, errors (no answer or status >= 400), achieved rate, and latency percentiles in
 * milliseconds. The first 20 % of the run (at least 2 s) warms up and is not counted.
 */
public class OpenLoad {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java OpenLoad.java URL RATE_PER_SECOND DURATION_SECONDS [Header: value]...");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int connections = Integer.parseInt(System.getenv().getOrDefault("CONNECTIONS", "16"));
        StringBuilder head = new StringBuilder()
                .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        for (int i = 3; i < args.length; i++) {
            head.append(args[i]).append("\r\n");
        }
        byte[] request = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);

        int total = (int) Math.round(rate * seconds);
        int warmup = (int) Math.round(rate * Math.max(2, seconds * 0.2));
        long interval = Math.round(1e9 / rate);
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime() + 200_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int first = c;
            // request i belongs to connection i % connections: together they keep the global schedule
            Thread worker = new Thread(() -> {
                Connection connection = null;
                for (int i = first; i < total; i += connections) {
                    long intended = start + i * interval;
                    long wait;
                    while ((wait = intended - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        if (connection == null) {
                            connection = new Connection(uri.getHost(), uri.getPort());
                        }
                        int status = connection.exchange(request);
                        if (status >= 400) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        if (connection != null) {
                            connection.close();
                        }
                        connection = null;
                    }
                    latencies[i] = System.nanoTime() - intended;
                }
                if (connection != null) {
                    connection.close();
                }
            }, "openload-" + c);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - start;

        long[] counted = Arrays.copyOfRange(latencies, warmup, total);
        Arrays.sort(counted);
        System.out.printf("%s rate=%.0f/s connections=%d sent=%d achieved=%.1f/s errors=%d counted=%d p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f ms%n",
                uri, rate, connections, total, total / (elapsed / 1e9), errors.get(), counted.length,
                ms(counted, 0.50), ms(counted, 0.90), ms(counted, 0.99), ms(counted, 0.999), counted[counted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** One keep-alive HTTP/1.1 connection: writes a request, reads the status line, headers and body. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header; !(header = line()).isEmpty(); ) {
                String lower = header.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                skip(length);
            }
            if (close) {
                throw new IOException("server closed the connection");
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private void skip(long bytes) throws IOException {
            while (bytes > 0) {
                long skipped = in.skip(bytes);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed");
                    }
                    skipped = 1;
                }
                bytes -= skipped;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
