package io.runstream.platform.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;

/** Fetches this service's token from auth-service with the client-credentials grant and caches it. */
class ClientCredentialsServiceTokens implements ServiceTokens {

    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

    private final WebClient http;
    private final ServiceClientProperties properties;
    private final Mono<CachedToken> cached;

    ClientCredentialsServiceTokens(WebClient.Builder http, ServiceClientProperties properties) {
        this.http = http.build();
        this.properties = properties;
        this.cached = fetch();
    }

    @Override
    public Mono<String> token() {
        return cached.map(CachedToken::value);
    }

    private Mono<CachedToken> fetch() {
        return http.post().uri(properties.tokenUri())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "client_credentials")
                        .with("client_id", properties.id())
                        .with("client_secret", properties.secret() == null ? "" : properties.secret()))
                .retrieve()
                .bodyToMono(TokenResponse.class)
                .map(response -> new CachedToken(response.accessToken(),
                        Instant.now().plusSeconds(response.expiresIn()).minus(REFRESH_MARGIN)))
                // replayed until shortly before it expires; a failure is not cached
                .cache(token -> maxZero(Duration.between(Instant.now(), token.refreshAt())),
                        error -> Duration.ZERO, () -> Duration.ZERO);
    }

    private static Duration maxZero(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    record TokenResponse(@JsonProperty("access_token") String accessToken, @JsonProperty("expires_in") long expiresIn) {
    }

    private record CachedToken(String value, Instant refreshAt) {
    }
}
