package io.runstream.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        eventLoopPerCore();
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * Reactor Netty runs max(4, cores) event loops. A proxied request costs the gateway a few hundred
     * microseconds split over four hand-offs (client read, service write, service read, client write); with
     * more loops than cores those hand-offs became context switches: one loop per core cut the gateway's CPU
     * per request by about 6 % on two cores (docs/benchmarks.md). {@code -Dreactor.netty.ioWorkerCount} wins.
     */
    static void eventLoopPerCore() {
        if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
            System.setProperty("reactor.netty.ioWorkerCount", String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
    }
}
