package io.runstream.job;

import io.runstream.platform.test.TestTokens;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import java.time.Duration;

/** Tokens and SSE helpers shared by job-service's HTTP tests. */
public final class JobServiceTestSupport {

    public static final String[] ALL = {"runs:read", "runs:write", "runs:cancel", "jobs:write"};
    static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    private JobServiceTestSupport() {
    }

    public static String token(String user, String tenant, String... permissions) {
        return TestTokens.bearer(TestTokens.user(user).tenant(tenant).roles("data_scientist").permissions(permissions).sign());
    }

    public static String token(String user, String tenant) {
        return token(user, tenant, ALL);
    }

    /** The events of an SSE endpoint (comments dropped), as they arrive. */
    public static Flux<ServerSentEvent<String>> sse(WebTestClient web, String uri, String token, String lastEventId) {
        var spec = web.mutate().responseTimeout(Duration.ofSeconds(60)).build()
                .get().uri(uri).header("Authorization", token).accept(MediaType.TEXT_EVENT_STREAM);
        if (lastEventId != null) {
            spec = spec.header("Last-Event-ID", lastEventId);
        }
        return spec.exchange().expectStatus().isOk().returnResult(SSE).getResponseBody()
                .filter(event -> event.event() != null);
    }
}
