package io.runstream.gateway.bodysize;

import io.runstream.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestSizeLimitTest {

    private final RequestSizeLimit limit = new RequestSizeLimit(new GatewayProperties.RequestSize(
            DataSize.ofBytes(100), DataSize.ofBytes(1000), List.of("/api/v1/dataset/**")));

    /** A chain that reads the whole body, as the routing filter does. */
    private final WebFilterChain readsBody = exchange -> DataBufferUtils.join(exchange.getRequest().getBody())
            .doOnNext(DataBufferUtils::release).then();

    private static Flux<DataBuffer> chunks(int count, int size) {
        return Flux.range(0, count).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[size]));
    }

    @Test
    void declaredLengthOverTheLimit_isRefusedBeforeReading() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/runs").contentLength(101).body("x"));
        StepVerifier.create(limit.filter(exchange, readsBody))
                .expectErrorSatisfies(error -> assertThat(((ErrorResponseException) error).getStatusCode().value()).isEqualTo(413))
                .verify();
    }

    @Test
    void chunkedBodyGrowingPastTheLimit_failsWhileStreaming() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/runs").body(chunks(3, 40)));
        StepVerifier.create(limit.filter(exchange, readsBody))
                .expectErrorSatisfies(error -> assertThat(((ErrorResponseException) error).getStatusCode().value()).isEqualTo(413))
                .verify();
    }

    @Test
    void bodiesWithinTheLimit_pass_andUploadPathsHaveTheLargerLimit() {
        var small = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/runs").body(chunks(2, 40)));
        StepVerifier.create(limit.filter(small, readsBody)).verifyComplete();
        var upload = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/dataset/upload").body(chunks(9, 100)));
        StepVerifier.create(limit.filter(upload, readsBody)).verifyComplete();
        var tooBigUpload = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/dataset/upload").contentLength(1001).body("x"));
        StepVerifier.create(limit.filter(tooBigUpload, exchange -> Mono.empty())).expectError(ErrorResponseException.class).verify();
    }
}
