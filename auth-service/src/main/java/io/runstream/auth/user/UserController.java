package io.runstream.auth.user;

import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The seed's user API plus update and deactivate. Listing and creating need {@code can_manage_users};
 * reading or updating oneself needs no permission.
 */
@RestController
@RequestMapping("/api/v1/users")
class UserController {

    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    @PostMapping("/create-user")
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("hasAuthority('can_manage_users')")
    public Mono<UserView> create(Caller caller, @Valid @RequestBody UserRequests.CreateUser request) {
        return users.createUser(caller, request);
    }

    @GetMapping({"/read-users", "/read-users/"})
    @PreAuthorize("hasAuthority('can_manage_users')")
    public Mono<Page<UserView>> list(Caller caller, @RequestParam(defaultValue = "0") int skip,
                                     @RequestParam(defaultValue = "100") int limit) {
        return users.list(caller, skip, limit);
    }

    @GetMapping("/{userId}")
    public Mono<UserView> get(Caller caller, @PathVariable long userId) {
        return users.get(caller, userId);
    }

    @PatchMapping("/{userId}")
    public Mono<UserView> update(Caller caller, @PathVariable long userId, @Valid @RequestBody UserRequests.UpdateUser request) {
        return users.update(caller, userId, request);
    }

    @PostMapping("/{userId}/deactivate")
    @PreAuthorize("hasAuthority('can_manage_users')")
    public Mono<UserView> deactivate(Caller caller, @PathVariable long userId) {
        return users.deactivate(caller, userId);
    }
}
