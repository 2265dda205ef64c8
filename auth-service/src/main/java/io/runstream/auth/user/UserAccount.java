package io.runstream.auth.user;

/**
 * A user as auth-service itself sees it, password hash included: never serialized, never logged
 * ({@link #toString()} leaves the hash out).
 */
public record UserAccount(long id, String tenantId, String username, String email, String firstName, String lastName,
                          String passwordHash, boolean active, boolean platformAdmin) {

    @Override
    public String toString() {
        return "UserAccount[id=" + id + ", tenantId=" + tenantId + ", username=" + username + ", active=" + active + "]";
    }
}
