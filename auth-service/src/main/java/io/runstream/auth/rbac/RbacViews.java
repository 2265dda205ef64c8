package io.runstream.auth.rbac;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.runstream.auth.web.Limits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;

/** Wire records of the RBAC API. */
final class RbacViews {

    private RbacViews() {
    }

    /** The seed's create-role body. */
    record CreateRole(@NotBlank @Pattern(regexp = Limits.ROLE_NAME, message = "must be 2-64 of [a-z0-9_-], starting with a letter") String name,
                      @Size(max = 64) String tenantId) {
    }

    /** The seed's create-permission body. */
    record CreatePermission(@NotBlank @Pattern(regexp = Limits.PERMISSION_NAME, message = "must be 2-64 of [a-z0-9_:.-], starting with a letter") String name,
                            @Size(max = 64) String tenantId) {
    }

    record RoleView(long id, String name, String tenantId, @JsonProperty("is_builtin") boolean builtin,
                    List<String> permissions, OffsetDateTime createdAt) {
    }

    record PermissionView(long id, String name, String tenantId, @JsonProperty("is_builtin") boolean builtin,
                          OffsetDateTime createdAt) {
    }

    record UserRoles(long userId, String tenantId, List<String> roles, List<String> permissions) {
    }
}
