package io.runstream.dataset.upload;

import io.runstream.dataset.DatasetProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins the pieces of an upload's body as the network delivers them into pieces of about
 * {@code runstream.dataset.upload.coalesce-bytes}: every later stage (multipart parsing, the file
 * write, the validator following it) pays per piece, and a socket delivers an upload in pieces of a
 * few kilobytes. Joining is cheap (Netty buffers are composed, not copied).
 */
@Component
class UploadBodyCoalescing implements WebFilter {

    private final int bytes;

    UploadBodyCoalescing(DatasetProperties properties) {
        this.bytes = properties.upload().coalesceBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (bytes <= 0 || exchange.getRequest().getMethod() != HttpMethod.POST
                || !(path.equals(UploadController.UPLOAD_PATH) || path.equals(UploadController.ADD_FILES_PATH))) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return coalesce(super.getBody(), bytes);
            }
        }).build());
    }

    static Flux<DataBuffer> coalesce(Flux<DataBuffer> body, int bytes) {
        return Flux.defer(() -> {
            AtomicLong pending = new AtomicLong();
            return body.bufferUntil(buffer -> {
                        if (pending.addAndGet(buffer.readableByteCount()) < bytes) {
                            return false;
                        }
                        pending.set(0);
                        return true;
                    })
                    .map(pieces -> pieces.size() == 1 ? pieces.get(0) : pieces.get(0).factory().join(pieces))
                    .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
        });
    }
}
