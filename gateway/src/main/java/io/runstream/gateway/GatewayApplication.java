package io.runstream.gateway;

import io.runstream.platform.runtime.EventLoops;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        // a proxied request crosses loops when its pooled service connection belongs to another one (EventLoops)
        EventLoops.halfTheCores();
        SpringApplication.run(GatewayApplication.class, args);
    }
}
