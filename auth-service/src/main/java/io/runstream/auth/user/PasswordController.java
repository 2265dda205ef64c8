package io.runstream.auth.user;

import io.runstream.platform.security.Caller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.Map;

/** The seed's {@code POST /api/v1/reset-password?user_name=&new_password=}, now behind a token. */
@RestController
class PasswordController {

    private final UserService users;

    PasswordController(UserService users) {
        this.users = users;
    }

    @PostMapping("/api/v1/reset-password")
    public Mono<Map<String, String>> reset(Caller caller, @RequestParam(name = "user_name", required = false) String userName,
                                           @RequestParam(name = "new_password", required = false) String newPassword) {
        return users.resetPassword(caller, userName, newPassword)
                .thenReturn(Map.of("message", "Password updated successfully"));
    }
}
