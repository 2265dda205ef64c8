package io.runstream.gateway.ratelimit;

import io.runstream.platform.web.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Brute-force protection for the password login: reads the (small) login form to learn the
 * username, refuses with a 429 problem while the username or the client address is throttled, and
 * counts auth-service's 401 answers as failures. The form travels on to auth-service unchanged.
 */
class LoginThrottleWebFilter implements WebFilter, Ordered {

    /** A login form is a few hundred bytes; anything much bigger is not a login. */
    static final int MAX_FORM_BYTES = 16 * 1024;

    private final LoginThrottle throttle;
    private final String loginPath;

    LoginThrottleWebFilter(LoginThrottle throttle, String loginPath) {
        this.throttle = throttle;
        this.loginPath = loginPath;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.POST || !loginPath.equals(request.getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        String address = RateLimitWebFilter.address(exchange);
        return DataBufferUtils.join(request.getBody(), MAX_FORM_BYTES)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(bytes -> {
                    String username = username(request, bytes);
                    long blockedNanos = throttle.blockedFor(username, address);
                    if (blockedNanos > 0) {
                        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blockedNanos) + 1);
                        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
                        return Mono.error(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-login-attempts",
                                "Too Many Login Attempts", "Too many failed logins; try again in " + seconds + " s"));
                    }
                    ServerWebExchange replay = exchange.mutate().request(new ReplayedBody(request, bytes, exchange)).build();
                    return chain.filter(replay).then(Mono.fromRunnable(() -> record(exchange.getResponse().getStatusCode(), username, address)));
                });
    }

    private void record(HttpStatusCode status, String username, String address) {
        if (status == null) {
            return;
        }
        if (status.value() == HttpStatus.UNAUTHORIZED.value()) {
            throttle.failed(username, address);
        } else if (status.is2xxSuccessful()) {
            throttle.succeeded(username);
        }
    }

    /** The {@code username} field of the OAuth2 password form (or of a JSON body, leniently). */
    static String username(ServerHttpRequest request, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        MediaType type = request.getHeaders().getContentType();
        if (type != null && MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            var matcher = java.util.regex.Pattern.compile("\"username\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
            return matcher.find() ? matcher.group(1) : null;
        }
        String query = UriComponentsBuilder.newInstance().query(text).build().getQueryParams().getFirst("username");
        return query == null ? null : URLDecoder.decode(query, StandardCharsets.UTF_8);
    }

    private static final class ReplayedBody extends ServerHttpRequestDecorator {

        private final byte[] body;
        private final ServerWebExchange exchange;

        ReplayedBody(ServerHttpRequest delegate, byte[] body, ServerWebExchange exchange) {
            super(delegate);
            this.body = body;
            this.exchange = exchange;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return body.length == 0 ? Flux.empty()
                    : Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
        }
    }

    /** After the rate limiter: a throttled login still counts as a request. */
    @Override
    public int getOrder() {
        return 10;
    }
}
