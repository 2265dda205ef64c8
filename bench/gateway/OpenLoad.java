import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop (fixed-rate) HTTP load generator, for latency at a given request rate: wrk keeps a
 * fixed number of requests in flight instead, and wrk2 (which has a rate option) is not packaged in
 * Debian. Requests are started on a fixed schedule whether or not earlier ones have answered, and
 * each latency is measured from the moment the schedule says the request should have started, so
 * a stall shows up in the percentiles (no coordinated omission). Runs with a plain JDK (17+):
 *
 *   java bench/gateway/OpenLoad.java URL RATE_PER_SECOND DURATION_SECONDS [Header: value]...
 *
 * Prints one line: sent, errors (no answer or status >= 400), achieved rate, and latency
 * percentiles in milliseconds. The first 20 % of the run (at least 2 s) warms up and is not counted.
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
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(10));
        for (int i = 3; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            builder.header(args[i].substring(0, colon).trim(), args[i].substring(colon + 1).trim());
        }
        HttpRequest request = builder.build();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "openload-io");
                    t.setDaemon(true);
                    return t;
                }))
                .build();

        int total = (int) Math.round(rate * seconds);
        int warmup = (int) Math.round(rate * Math.max(2, seconds * 0.2));
        long interval = Math.round(1e9 / rate);
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        for (int i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                latencies[index] = System.nanoTime() - intended;
                if (failure != null || response.statusCode() >= 400) {
                    errors.incrementAndGet();
                }
                done.countDown();
            });
        }
        long sentSeconds = System.nanoTime() - start;
        done.await(30, TimeUnit.SECONDS);

        long[] counted = Arrays.copyOfRange(latencies, warmup, total);
        Arrays.sort(counted);
        System.out.printf("%s rate=%.0f/s sent=%d achieved=%.1f/s errors=%d counted=%d p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f ms%n",
                uri, rate, total, total / (sentSeconds / 1e9), errors.get(), counted.length,
                ms(counted, 0.50), ms(counted, 0.90), ms(counted, 0.99), ms(counted, 0.999), counted[counted.length - 1] / 1e6);
        System.exit(0);
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
