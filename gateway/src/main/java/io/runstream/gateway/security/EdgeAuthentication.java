package io.runstream.gateway.security;

import io.runstream.platform.security.BearerTokenConverter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The edge's one authentication step, and its one access rule: a request to a {@link PublicPaths public path}
 * passes as it came; any other needs a bearer JWT (checked by {@code bearer}: signature against auth-service's
 * JWKS, issuer, audience, expiry) or an {@code X-API-KEY} auth-service vouches for, and is answered 401 by the
 * {@link ProblemEntryPoint} otherwise. The caller then travels in the Reactor context like any Spring Security
 * authentication (the rate limits and {@link TokenRelay} read it there).
 *
 * <p>Why not the resource server's and an {@code AuthenticationWebFilter} per credential plus
 * {@code authorizeExchange}: which permission a request needs is the services' decision, so the edge has only this
 * one rule, and those five filters (two authentications, the exception translation, the authorization with its
 * matchers) cost about 7 % of the gateway's CPU per proxied request (docs/benchmarks.md, sixth sitting). Spring's
 * own authentication manager still checks the token; the firewall, the security headers and CORS stay in the chain.
 */
final class EdgeAuthentication implements WebFilter {

    private final PublicPaths publicPaths;
    private final ReactiveAuthenticationManager bearer;
    private final ApiKeyAuthenticator apiKeys;
    private final ProblemEntryPoint entryPoint;

    EdgeAuthentication(PublicPaths publicPaths, ReactiveAuthenticationManager bearer, ApiKeyAuthenticator apiKeys,
                       ProblemEntryPoint entryPoint) {
        this.publicPaths = publicPaths;
        this.bearer = bearer;
        this.apiKeys = apiKeys;
        this.entryPoint = entryPoint;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // a stale token sent along to login or refresh must not block them: public paths read no credential
        if (publicPaths.isPublic(exchange)) {
            return chain.filter(exchange);
        }
        return authenticate(exchange)
                .switchIfEmpty(Mono.error(() -> new AuthenticationCredentialsNotFoundException("No credential")))
                .onErrorResume(EdgeAuthentication::refused, refused -> entryPoint.commence(exchange, (AuthenticationException) refused)
                        .then(Mono.empty()))
                .flatMap(caller -> chain.filter(exchange).contextWrite(ReactiveSecurityContextHolder.withAuthentication(caller)));
    }

    /**
     * A credential that is missing, malformed or refused. Not an {@link AuthenticationServiceException} (the key set
     * could not be fetched, say): that is the platform failing, not the caller, and goes on as an error — as
     * Spring Security's {@code ServerAuthenticationEntryPointFailureHandler} does.
     */
    private static boolean refused(Throwable error) {
        return error instanceof AuthenticationException && !(error instanceof AuthenticationServiceException);
    }

    /** The bearer token when there is one (a token and a key together: the token wins), else the API key, else empty. */
    private Mono<Authentication> authenticate(ServerWebExchange exchange) {
        String token;
        try {
            token = BearerTokenConverter.token(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        } catch (AuthenticationException malformed) {
            return Mono.error(malformed);
        }
        if (token != null) {
            return bearer.authenticate(new BearerTokenAuthenticationToken(token));
        }
        return apiKeys.convert(exchange).flatMap(apiKeys::authenticate);
    }
}
