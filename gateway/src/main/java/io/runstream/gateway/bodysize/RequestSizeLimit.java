package io.runstream.gateway.bodysize;

import io.runstream.gateway.GatewayProperties;
import io.runstream.platform.web.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refuses request bodies over the edge limit with a 413 problem: at once when {@code Content-Length}
 * says so, and while streaming when a chunked body grows past it. Upload paths have a larger limit.
 * Bodies are never buffered here.
 */
class RequestSizeLimit implements WebFilter, Ordered {

    private final long max;
    private final long uploadMax;
    private final List<PathPattern> uploadPaths;

    RequestSizeLimit(GatewayProperties.RequestSize settings) {
        this.max = settings.max().toBytes();
        this.uploadMax = settings.uploadMax().toBytes();
        this.uploadPaths = settings.uploadPaths().stream().map(PathPatternParser.defaultInstance::parse).toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long limit = limitFor(request.getPath().pathWithinApplication());
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            return Mono.error(tooLarge(limit));
        }
        if (declared >= 0) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(new CountedBody(request, limit)).build());
    }

    long limitFor(PathContainer path) {
        return uploadPaths.stream().anyMatch(pattern -> pattern.matches(path)) ? uploadMax : max;
    }

    static RuntimeException tooLarge(long limit) {
        return Problems.tooLarge("The request body exceeds the " + DataSize.ofBytes(limit).toKilobytes()
                + " KB this endpoint accepts");
    }

    /** A body without a declared length, counted as it streams through. */
    private static final class CountedBody extends ServerHttpRequestDecorator {

        private final long limit;

        CountedBody(ServerHttpRequest delegate, long limit) {
            super(delegate);
            this.limit = limit;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                        DataBufferUtils.release(buffer);
                        sink.error(tooLarge(limit));
                    } else {
                        sink.next(buffer);
                    }
                });
            });
        }
    }

    /** Before the login throttle reads a body, after the caller is known. */
    @Override
    public int getOrder() {
        return 5;
    }
}
