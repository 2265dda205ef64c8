package io.runstream.auth.rbac;

import io.runstream.auth.rbac.RbacViews.PermissionView;
import io.runstream.auth.rbac.RbacViews.RoleView;
import io.runstream.auth.rbac.RbacViews.UserRoles;
import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Roles and permissions of the caller's tenant; everything here needs {@code can_manage_roles}. */
@RestController
@RequestMapping("/api/v1/rbac")
@PreAuthorize("hasAuthority('can_manage_roles')")
class RbacController {

    private final RbacService rbac;

    RbacController(RbacService rbac) {
        this.rbac = rbac;
    }

    @PostMapping({"/roles", "/roles/"})
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<RoleView> createRole(Caller caller, @Valid @RequestBody RbacViews.CreateRole request) {
        return rbac.createRole(caller, request);
    }

    @GetMapping({"/roles", "/roles/"})
    public Mono<Page<RoleView>> roles(Caller caller) {
        return rbac.roles(caller);
    }

    @GetMapping("/roles/{roleId}")
    public Mono<RoleView> role(Caller caller, @PathVariable long roleId) {
        return rbac.role(caller, roleId);
    }

    @DeleteMapping("/roles/{roleId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> deleteRole(Caller caller, @PathVariable long roleId) {
        return rbac.deleteRole(caller, roleId);
    }

    @PostMapping({"/permissions", "/permissions/"})
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<PermissionView> createPermission(Caller caller, @Valid @RequestBody RbacViews.CreatePermission request) {
        return rbac.createPermission(caller, request);
    }

    @GetMapping({"/permissions", "/permissions/"})
    public Mono<Page<PermissionView>> permissions(Caller caller) {
        return rbac.permissions(caller);
    }

    @DeleteMapping("/permissions/{permissionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> deletePermission(Caller caller, @PathVariable long permissionId) {
        return rbac.deletePermission(caller, permissionId);
    }

    @PutMapping("/roles/{roleId}/permissions/{permissionId}")
    public Mono<RoleView> grant(Caller caller, @PathVariable long roleId, @PathVariable long permissionId) {
        return rbac.grant(caller, roleId, permissionId);
    }

    @DeleteMapping("/roles/{roleId}/permissions/{permissionId}")
    public Mono<RoleView> revoke(Caller caller, @PathVariable long roleId, @PathVariable long permissionId) {
        return rbac.revoke(caller, roleId, permissionId);
    }

    @GetMapping("/users/{userId}/roles")
    public Mono<UserRoles> userRoles(Caller caller, @PathVariable long userId) {
        return rbac.userRoles(caller, userId);
    }

    @PutMapping("/users/{userId}/roles/{roleId}")
    public Mono<UserRoles> assign(Caller caller, @PathVariable long userId, @PathVariable long roleId) {
        return rbac.assign(caller, userId, roleId);
    }

    @DeleteMapping("/users/{userId}/roles/{roleId}")
    public Mono<UserRoles> unassign(Caller caller, @PathVariable long userId, @PathVariable long roleId) {
        return rbac.unassign(caller, userId, roleId);
    }
}
