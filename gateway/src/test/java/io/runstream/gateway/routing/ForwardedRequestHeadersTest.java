package io.runstream.gateway.routing;

import io.runstream.platform.web.RequestId;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardedRequestHeadersTest {

    private final ForwardedRequestHeaders filter = new ForwardedRequestHeaders();

    @Test
    void identityHeaders_areRemoved_otherHeadersKept_andRequestIdAdded() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/runs")
                .header("X-User-Id", "admin").header("x-tenant", "other").header("X-Roles", "platform_admin")
                .header("X-Permissions", "all").header("X-Authenticated-Userid", "root").header("X-Authenticated-Scope", "*")
                .header(HttpHeaders.AUTHORIZATION, "Bearer t").header("X-Custom", "kept"));
        exchange.getAttributes().put(RequestId.CONTEXT_KEY, "req-7");
        AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();
        GatewayFilterChain chain = next -> {
            forwarded.set(next);
            return Mono.empty();
        };

        StepVerifier.create(filter.filter(exchange, chain)).verifyComplete();

        HttpHeaders headers = forwarded.get().getRequest().getHeaders();
        assertThat(headers.headerNames()).noneMatch(name -> name.toLowerCase().matches("x-(user-id|tenant|roles|permissions|authenticated-.*)"));
        assertThat(headers.getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer t");
        assertThat(headers.getFirst("X-Custom")).isEqualTo("kept");
        assertThat(headers.getFirst(RequestId.HEADER)).isEqualTo("req-7");
    }
}
