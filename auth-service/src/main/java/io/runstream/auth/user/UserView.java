package io.runstream.auth.user;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The seed's user shape (no password, ever). */
public record UserView(long id, String tenantId, String firstName, String lastName, String email, String username,
                       @JsonProperty("is_active") boolean active) {

    public static UserView of(UserAccount account) {
        return new UserView(account.id(), account.tenantId(), account.firstName(), account.lastName(), account.email(),
                account.username(), account.active());
    }
}
