package io.runstream.auth.rbac;

import reactor.core.publisher.Mono;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Roles and permissions as other features need them: seeding a tenant, a user's grants, assigning roles. */
public interface Rbac {

    /** The platform's permissions, seeded into every tenant. */
    List<String> PERMISSIONS = List.of("runs:read", "runs:write", "runs:cancel", "jobs:write", "datasets:read",
            "datasets:write", "can_delete_dataset", "templates:write", "can_train_models", "models:read", "can_predict",
            "can_manage_users", "can_manage_roles", "api_keys:manage");

    String ADMIN = "admin";
    String DATA_SCIENTIST = "data_scientist";
    String VIEWER = "viewer";

    /** Creates the platform permissions and the built-in roles in {@code tenant}; idempotent. */
    Mono<Void> seedTenant(String tenant);

    /** The roles and permissions a user holds now. */
    Mono<Grants> grantsOf(long userId, String tenant);

    /** Gives the user the named roles of its tenant; a 400 problem naming an unknown role. */
    Mono<Void> assignRoles(long userId, String tenant, Collection<String> roleNames);

    record Grants(Set<String> roles, Set<String> permissions) {
    }
}
