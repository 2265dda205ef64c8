package io.runstream.platform.security;

import io.runstream.platform.web.ProblemExceptionHandler;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A token whose keys cannot be fetched (auth-service down, its {@code kid} not cached) cannot be checked at all:
 * that is the platform failing, so the services' resource server (which rethrows an
 * {@link AuthenticationServiceException}) and the gateway answer 503, not a 401 that tells the client to drop a
 * token that may well be good.
 */
class UnreachableKeySetTest {

    @Test
    void aTokenWhoseKeysCannotBeFetched_failsAsTheServer_andAnswers503() throws IOException {
        // bound, never listening: connections to it are refused at once
        try (SocketChannel held = SocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) held.getLocalAddress()).getPort();
            var decoder = new PlatformSecurityConfiguration().jwtDecoder(new SecurityProperties(
                    "http://127.0.0.1:" + port + "/.well-known/jwks.json", "runstream", "runstream-api", List.of()));
            // well-formed and RS256 with a kid: the decoder must fetch the keys before it can judge the signature
            String token = base64("{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}") + "."
                    + base64("{\"sub\":\"alice\",\"tenant\":\"acme\"}") + "." + base64("not-checked-yet");

            JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
            assertThatThrownBy(() -> manager.authenticate(new BearerTokenAuthenticationToken(token)).block(Duration.ofSeconds(10)))
                    .isInstanceOf(AuthenticationServiceException.class);
        }

        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/runs"));
        new ProblemExceptionHandler(ServerCodecConfigurer.create())
                .handle(exchange, new AuthenticationServiceException("keys unavailable")).block(Duration.ofSeconds(5));
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5))).contains("credentials-unavailable");
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
