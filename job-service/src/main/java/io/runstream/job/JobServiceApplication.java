package io.runstream.job;

import io.runstream.platform.runtime.EventLoops;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class JobServiceApplication {

    public static void main(String[] args) {
        // each request hops between its HTTP loop and its R2DBC connection's loop; fewer loops, fewer hops (EventLoops)
        EventLoops.halfTheCores();
        SpringApplication.run(JobServiceApplication.class, args);
    }
}
