package io.runstream.gateway.health;

import io.netty.channel.ChannelOption;
import io.runstream.gateway.GatewayProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

    @Bean
    SuiteHealth suiteHealth(GatewayProperties properties, ObjectProvider<BuildProperties> build, WebClient.Builder builder) {
        int timeoutMillis = (int) properties.health().timeout().toMillis();
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .responseTimeout(properties.health().timeout());
        WebClient http = builder.clone().clientConnector(new ReactorClientHttpConnector(client)).build();
        BuildProperties info = build.getIfAvailable();
        String version = info != null && info.getVersion() != null ? info.getVersion() : "dev";
        return new ActuatorSuiteHealth(http, properties, version, Clock.systemUTC());
    }
}
