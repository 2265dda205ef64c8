package io.runstream.gateway.routing;

import io.runstream.platform.web.RequestId;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

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
        HttpHeaders original = exchange.getRequest().getHeaders();

        HttpHeaders headers = filter.filter(original, exchange);

        assertThat(headers).isNotSameAs(original);
        assertThat(headers.headerNames()).noneMatch(name -> name.toLowerCase().matches("x-(user-id|tenant|roles|permissions|authenticated-.*)"));
        assertThat(headers.getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer t");
        assertThat(headers.getFirst("X-Custom")).isEqualTo("kept");
        assertThat(headers.getFirst(RequestId.HEADER)).isEqualTo("req-7");
        // the request itself is left as it came
        assertThat(original.getFirst("X-User-Id")).isEqualTo("admin");
    }

    @Test
    void aCopyMadeByAnEarlierHeaderFilter_isEditedInPlace() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/runs")
                .header("X-Tenant-Id", "other").header("X-Custom", "kept"));
        exchange.getAttributes().put(RequestId.CONTEXT_KEY, "req-8");
        HttpHeaders copy = new HttpHeaders();
        copy.addAll(exchange.getRequest().getHeaders());

        HttpHeaders headers = filter.filter(copy, exchange);

        assertThat(headers).isSameAs(copy);
        assertThat(headers.containsHeader("X-Tenant-Id")).isFalse();
        assertThat(headers.getFirst("X-Custom")).isEqualTo("kept");
        assertThat(headers.getFirst(RequestId.HEADER)).isEqualTo("req-8");
    }

    @Test
    void cleanHeaders_carryingTheRequestIdAlready_areNotCopied() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/runs")
                .header(RequestId.HEADER, "req-9").header("X-Custom", "kept"));
        exchange.getAttributes().put(RequestId.CONTEXT_KEY, "req-9");
        HttpHeaders original = exchange.getRequest().getHeaders();

        assertThat(filter.filter(original, exchange)).isSameAs(original);
    }
}
