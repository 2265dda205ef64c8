package io.runstream.auth.login;

import io.runstream.auth.login.LoginViews.TokenResponse;
import io.runstream.auth.user.UserView;
import io.runstream.platform.security.Caller;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;

/** The seed's Login and Auth modules: access-token, test-token, refresh, logout, validate-token. */
@RestController
class LoginController {

    private final LoginService login;

    LoginController(LoginService login) {
        this.login = login;
    }

    /** OAuth2 token endpoint: an {@code application/x-www-form-urlencoded} form. */
    @PostMapping("/api/v1/login/access-token")
    public Mono<ResponseEntity<TokenResponse>> accessToken(ServerWebExchange exchange) {
        return exchange.getFormData()
                .map(LoginController::form)
                .flatMap(login::token)
                .map(LoginController::noStore);
    }

    @PostMapping("/api/v1/login/test-token")
    public Mono<UserView> testToken(Caller caller) {
        return login.me(caller);
    }

    @GetMapping(path = "/api/v1/validate-token", produces = MediaType.APPLICATION_JSON_VALUE)
    public LoginViews.Validation validate(@AuthenticationPrincipal Jwt jwt) {
        return login.describe(jwt);
    }

    @PostMapping("/api/v1/refresh")
    public Mono<ResponseEntity<TokenResponse>> refresh(@RequestParam(name = "refresh_token", required = false) String refreshToken) {
        return login.refresh(refreshToken).map(LoginController::noStore);
    }

    @PostMapping("/api/v1/logout")
    public Mono<Map<String, String>> logout(Caller caller,
                                            @RequestParam(name = "refresh_token", required = false) String refreshToken) {
        return login.logout(caller, refreshToken);
    }

    private static LoginViews.LoginForm form(MultiValueMap<String, String> data) {
        return new LoginViews.LoginForm(data.getFirst("grant_type"), data.getFirst("username"), data.getFirst("password"),
                data.getFirst("scope"), data.getFirst("client_id"), data.getFirst("client_secret"), data.getFirst("refresh_token"));
    }

    /** RFC 6749 §5.1: token responses must not be cached. */
    private static ResponseEntity<TokenResponse> noStore(TokenResponse response) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("Pragma", "no-cache").body(response);
    }
}
