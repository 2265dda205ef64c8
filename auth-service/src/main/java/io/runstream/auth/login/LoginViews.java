package io.runstream.auth.login;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** Wire records of the login API. */
final class LoginViews {

    private LoginViews() {
    }

    /** The OAuth2 password form (and client-credentials / refresh-token grants on the same endpoint). */
    record LoginForm(String grantType, String username, String password, String scope, String clientId,
                     String clientSecret, String refreshToken) {
        @Override
        public String toString() {
            return "LoginForm[grantType=" + grantType + ", username=" + username + ", clientId=" + clientId + "]";
        }
    }

    /** {@code {access_token, refresh_token, token_type: "bearer", expires_in}}; no refresh token for services. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TokenResponse(String accessToken, String refreshToken, String tokenType, long expiresIn) {
        static TokenResponse bearer(String accessToken, String refreshToken, long expiresIn) {
            return new TokenResponse(accessToken, refreshToken, "bearer", expiresIn);
        }
    }

    record Validation(boolean valid, String subject, String username, String tenant, List<String> roles,
                      List<String> permissions, Instant issuedAt, Instant expiresAt, long expiresIn) {
    }
}
