package io.runstream.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        eventLoopsForProxying();
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * Reactor Netty runs max(4, cores) event loops. A proxied request costs the gateway a few hundred
     * microseconds split over four hand-offs (client read, service write, service read, client write), and its
     * pooled connection to the service belongs to whichever loop opened it: with two loops half the requests
     * cross from the client's loop to the service connection's loop and back, a task hand-off and a wake-up
     * each way. On two cores one loop (half the cores) cost 10 % less CPU per proxied request than one per
     * core, saturated 7 % higher and held its latency at rates where two loops fell behind (docs/benchmarks.md,
     * eighth sitting); more cores keep half of them for the loops. {@code -Dreactor.netty.ioWorkerCount} wins.
     */
    static void eventLoopsForProxying() {
        if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
            System.setProperty("reactor.netty.ioWorkerCount", String.valueOf(eventLoops(Runtime.getRuntime().availableProcessors())));
        }
    }

    static int eventLoops(int cores) {
        return Math.max(1, cores / 2);
    }
}
