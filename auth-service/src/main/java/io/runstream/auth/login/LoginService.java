package io.runstream.auth.login;

import io.runstream.auth.config.AuthProperties;
import io.runstream.auth.login.LoginViews.LoginForm;
import io.runstream.auth.login.LoginViews.TokenResponse;
import io.runstream.auth.password.Passwords;
import io.runstream.auth.rbac.Rbac;
import io.runstream.auth.support.Digests;
import io.runstream.auth.token.AccessTokens;
import io.runstream.auth.token.RefreshTokens;
import io.runstream.auth.token.TokenSubject;
import io.runstream.auth.user.UserAccount;
import io.runstream.auth.user.UserView;
import io.runstream.auth.user.Users;
import io.runstream.auth.web.Access;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Logins (password, client-credentials and refresh-token grants), refresh, logout and token introspection. */
@Service
class LoginService {

    private static final Logger log = LoggerFactory.getLogger(LoginService.class);
    static final String SYSTEM_TENANT = "system";
    private static final String CLIENT_ID = "^[a-z][a-z0-9-]{1,63}$";

    private final Users users;
    private final Passwords passwords;
    private final Rbac rbac;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final AuthProperties properties;

    LoginService(Users users, Passwords passwords, Rbac rbac, AccessTokens accessTokens, RefreshTokens refreshTokens,
                 AuthProperties properties) {
        this.users = users;
        this.passwords = passwords;
        this.rbac = rbac;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.properties = properties;
    }

    Mono<TokenResponse> token(LoginForm form) {
        String grant = form.grantType() == null || form.grantType().isBlank() ? "password" : form.grantType();
        return switch (grant) {
            case "password" -> passwordGrant(form);
            case "client_credentials" -> clientCredentials(form);
            case "refresh_token" -> Mono.defer(() -> refresh(required(form.refreshToken(), "refresh_token")));
            default -> Mono.error(Problems.with(Problems.of(HttpStatus.BAD_REQUEST, "unsupported-grant-type", "Unsupported Grant Type",
                    "grant_type must be password, client_credentials or refresh_token"), Map.of("error", "unsupported_grant_type")));
        };
    }

    private Mono<TokenResponse> passwordGrant(LoginForm form) {
        List<Problems.FieldError> errors = new ArrayList<>();
        check(errors, "username", form.username(), 64);
        check(errors, "password", form.password(), 128);
        if (!errors.isEmpty()) {
            return Mono.error(unprocessable(errors));
        }
        return users.byUsername(form.username()).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(user -> passwords.matches(form.password(), user.map(UserAccount::passwordHash).orElse(null))
                        .flatMap(matches -> {
                            if (!matches || user.isEmpty()) {
                                log.info("login refused: wrong username or password for '{}'", printable(form.username()));
                                return Mono.error(badCredentials());
                            }
                            if (!user.get().active()) {
                                log.info("login refused: user {} is inactive", user.get().id());
                                return Mono.error(Problems.of(HttpStatus.BAD_REQUEST, "inactive-user", "Inactive User",
                                        "The user account is inactive"));
                            }
                            return rehashIfOutdated(user.get(), form.password())
                                    .then(issueFor(user.get(), refreshTokens.start(user.get().id(), user.get().tenantId())));
                        }));
    }

    /** Raising the hash cost (or changing algorithm) upgrades each user's hash at their next good login. */
    private Mono<Void> rehashIfOutdated(UserAccount user, String rawPassword) {
        if (!passwords.needsRehash(user.passwordHash())) {
            return Mono.empty();
        }
        return passwords.hash(rawPassword)
                .flatMap(hash -> users.changePasswordHash(user.id(), hash))
                .doOnSuccess(done -> log.info("password hash of user {} upgraded to the configured algorithm and cost", user.id()));
    }

    private Mono<TokenResponse> clientCredentials(LoginForm form) {
        List<Problems.FieldError> errors = new ArrayList<>();
        check(errors, "client_id", form.clientId(), 64);
        check(errors, "client_secret", form.clientSecret(), 512);
        if (!errors.isEmpty()) {
            return Mono.error(unprocessable(errors));
        }
        String secret = properties.serviceSecret();
        boolean matches = Digests.constantTimeEquals(form.clientSecret(), secret == null ? "" : secret);
        if (secret == null || secret.isBlank() || !matches || !form.clientId().matches(CLIENT_ID)) {
            log.info("client-credentials grant refused for '{}'", printable(form.clientId()));
            return Mono.error(Problems.with(Problems.of(HttpStatus.UNAUTHORIZED, "invalid-client", "Invalid Client",
                    "Unknown client or wrong client secret"), Map.of("error", "invalid_client")));
        }
        TokenSubject service = new TokenSubject(form.clientId(), form.clientId(), SYSTEM_TENANT, Set.of(Access.SERVICE_ROLE), Set.of());
        return accessTokens.issue(service, properties.serviceTokenTtl())
                .map(token -> TokenResponse.bearer(token.token(), null, token.expiresIn()));
    }

    Mono<TokenResponse> refresh(String rawRefreshToken) {
        if (rawRefreshToken == null || rawRefreshToken.isBlank()) {
            return Mono.error(unprocessable(List.of(new Problems.FieldError("refresh_token", "field required"))));
        }
        return refreshTokens.rotate(rawRefreshToken)
                .flatMap(rotated -> users.byId(rotated.userId())
                        .filter(UserAccount::active)
                        .switchIfEmpty(Mono.defer(() -> refreshTokens.revokeAll(rotated.userId())
                                .then(Mono.error(Problems.of(HttpStatus.UNAUTHORIZED, "invalid-refresh-token",
                                        "Invalid Refresh Token", "The user account is inactive")))))
                        .flatMap(user -> issueFor(user, Mono.just(rotated.refreshToken()))));
    }

    Mono<Map<String, String>> logout(Caller caller, String rawRefreshToken) {
        if (rawRefreshToken == null || rawRefreshToken.isBlank()) {
            return Mono.error(Problems.invalidFields("refresh_token is required",
                    List.of(new Problems.FieldError("refresh_token", "must not be blank"))));
        }
        return refreshTokens.revoke(rawRefreshToken, userId(caller))
                .flatMap(revoked -> revoked ? Mono.just(Map.of("message", "Logged out successfully"))
                        : Mono.error(Problems.notFound("refresh token", "presented")));
    }

    /** The seed's test-token answer: the calling user. */
    Mono<UserView> me(Caller caller) {
        return users.byId(userId(caller))
                .filter(user -> user.tenantId().equals(caller.tenant()))
                .map(UserView::of)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("user", caller.userId())));
    }

    LoginViews.Validation describe(Jwt jwt) {
        Caller caller = Caller.from(jwt);
        Instant expires = jwt.getExpiresAt();
        return new LoginViews.Validation(true, caller.userId(), caller.username(), caller.tenant(),
                List.copyOf(new TreeSet<>(caller.roles())), List.copyOf(new TreeSet<>(caller.permissions())),
                jwt.getIssuedAt(), expires, expires == null ? 0 : Math.max(0, Duration.between(Instant.now(), expires).toSeconds()));
    }

    private Mono<TokenResponse> issueFor(UserAccount user, Mono<String> refreshToken) {
        return rbac.grantsOf(user.id(), user.tenantId()).flatMap(grants -> {
            Set<String> roles = new TreeSet<>(grants.roles());
            if (user.platformAdmin()) {
                roles.add(Caller.PLATFORM_ADMIN_ROLE);
            }
            TokenSubject subject = new TokenSubject(String.valueOf(user.id()), user.username(), user.tenantId(), roles,
                    grants.permissions());
            return Mono.zip(accessTokens.issue(subject, properties.accessTokenTtl()), refreshToken)
                    .map(t -> TokenResponse.bearer(t.getT1().token(), t.getT2(), t.getT1().expiresIn()));
        });
    }

    private static long userId(Caller caller) {
        try {
            return Long.parseLong(caller.userId());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw unprocessable(List.of(new Problems.FieldError(field, "field required")));
        }
        return value;
    }

    private static void check(List<Problems.FieldError> errors, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            errors.add(new Problems.FieldError(field, "field required"));
        } else if (value.length() > max) {
            errors.add(new Problems.FieldError(field, "must be at most " + max + " characters"));
        }
    }

    /** Like the seed's FastAPI form handling: missing or unusable form fields answer 422 with the fields named. */
    private static org.springframework.web.ErrorResponseException unprocessable(List<Problems.FieldError> errors) {
        return Problems.with(Problems.of(HttpStatusCode.valueOf(422), "validation-error", "Unprocessable Content",
                        "The login form has missing or invalid fields"), Map.of("errors", errors));
    }

    private static RuntimeException badCredentials() {
        return Problems.with(Problems.of(HttpStatus.UNAUTHORIZED, "invalid-credentials", "Invalid Credentials",
                "Incorrect username or password"), Map.of("error", "invalid_grant"));
    }

    private static String printable(String value) {
        return value == null ? null : value.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
