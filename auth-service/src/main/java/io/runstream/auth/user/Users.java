package io.runstream.auth.user;

import reactor.core.publisher.Mono;

import java.util.Collection;

/** Users as other features need them (login, API keys, first start). */
public interface Users {

    /** By login name (case-insensitive), any tenant; empty when none. */
    Mono<UserAccount> byUsername(String username);

    /** By id, any tenant; empty when none. */
    Mono<UserAccount> byId(long id);

    Mono<Long> count();

    /** Creates a user with an already policy-checked password and the named roles of its tenant. */
    Mono<UserAccount> create(NewUser user, Collection<String> roles);

    /** Stores a new password hash. */
    Mono<Void> changePasswordHash(long userId, String passwordHash);

    record NewUser(String tenantId, String username, String email, String firstName, String lastName,
                   String rawPassword, boolean platformAdmin) {
        @Override
        public String toString() {
            return "NewUser[tenantId=" + tenantId + ", username=" + username + "]";
        }
    }
}
