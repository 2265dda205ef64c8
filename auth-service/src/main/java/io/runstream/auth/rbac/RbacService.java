package io.runstream.auth.rbac;

import io.r2dbc.spi.Readable;
import io.runstream.auth.rbac.RbacViews.PermissionView;
import io.runstream.auth.rbac.RbacViews.RoleView;
import io.runstream.auth.rbac.RbacViews.UserRoles;
import io.runstream.auth.web.Access;
import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Roles, permissions and their assignment, always inside one tenant: every statement names the
 * tenant, so an id from another tenant matches nothing and answers 404.
 */
@Service
class RbacService implements Rbac {

    /** Role names a tenant cannot create: they mean something platform-wide. */
    private static final Set<String> RESERVED_ROLES = Set.of(Caller.PLATFORM_ADMIN_ROLE, Access.SERVICE_ROLE, "api_key");

    private static final Map<String, List<String>> BUILTIN_ROLES = Map.of(
            ADMIN, PERMISSIONS,
            DATA_SCIENTIST, PERMISSIONS.stream()
                    .filter(p -> !List.of("can_manage_users", "can_manage_roles", "api_keys:manage").contains(p)).toList(),
            VIEWER, PERMISSIONS.stream().filter(p -> p.endsWith(":read") || p.startsWith("can_view_")).toList());

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    RbacService(DatabaseClient db, TransactionalOperator transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    // ---- for other features ----

    @Override
    public Mono<Void> seedTenant(String tenant) {
        Mono<Void> permissions = db.sql("""
                        insert into permission (tenant_id, name, builtin) select :tenant, unnest(:names::text[]), true
                        on conflict (tenant_id, name) do nothing""")
                .bind("tenant", tenant).bind("names", PERMISSIONS.toArray(String[]::new))
                .fetch().rowsUpdated().then();
        Mono<Void> roles = Flux.fromIterable(BUILTIN_ROLES.entrySet())
                .concatMap(role -> db.sql("""
                                insert into role (tenant_id, name, builtin) values (:tenant, :name, true)
                                on conflict (tenant_id, name) do nothing""")
                        .bind("tenant", tenant).bind("name", role.getKey()).fetch().rowsUpdated()
                        .then(db.sql("""
                                        insert into role_permission (role_id, permission_id)
                                        select r.id, p.id from role r join permission p on p.tenant_id = r.tenant_id
                                        where r.tenant_id = :tenant and r.name = :role and p.name = any(:names::text[])
                                        on conflict do nothing""")
                                .bind("tenant", tenant).bind("role", role.getKey())
                                .bind("names", role.getValue().toArray(String[]::new))
                                .fetch().rowsUpdated()))
                .then();
        return permissions.then(roles);
    }

    @Override
    public Mono<Grants> grantsOf(long userId, String tenant) {
        return db.sql("""
                        select r.name as role, p.name as permission from user_role ur
                        join role r on r.id = ur.role_id and r.tenant_id = :tenant
                        left join role_permission rp on rp.role_id = r.id
                        left join permission p on p.id = rp.permission_id and p.tenant_id = :tenant
                        where ur.user_id = :user""")
                .bind("user", userId).bind("tenant", tenant)
                .map((row, meta) -> new String[]{row.get("role", String.class), row.get("permission", String.class)})
                .all()
                .collectList()
                .map(rows -> {
                    Set<String> roles = new TreeSet<>();
                    Set<String> permissions = new TreeSet<>();
                    rows.forEach(r -> {
                        roles.add(r[0]);
                        if (r[1] != null) {
                            permissions.add(r[1]);
                        }
                    });
                    return new Grants(roles, permissions);
                });
    }

    @Override
    public Mono<Void> assignRoles(long userId, String tenant, Collection<String> roleNames) {
        Set<String> wanted = new LinkedHashSet<>(roleNames);
        if (wanted.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("select id, name from role where tenant_id = :tenant and name = any(:names::text[])")
                .bind("tenant", tenant).bind("names", wanted.toArray(String[]::new))
                .map((row, meta) -> Map.entry(row.get("name", String.class), row.get("id", Long.class)))
                .all().collectList()
                .flatMap(found -> {
                    Set<String> unknown = new TreeSet<>(wanted);
                    found.forEach(e -> unknown.remove(e.getKey()));
                    if (!unknown.isEmpty()) {
                        return Mono.error(Problems.invalidFields("Unknown roles: " + String.join(", ", unknown),
                                List.of(new Problems.FieldError("roles", "unknown role(s) " + String.join(", ", unknown)))));
                    }
                    return Flux.fromIterable(found)
                            .concatMap(e -> db.sql("insert into user_role (user_id, role_id) values (:user, :role) on conflict do nothing")
                                    .bind("user", userId).bind("role", e.getValue()).fetch().rowsUpdated())
                            .then();
                });
    }

    // ---- the RBAC API ----

    Mono<RoleView> createRole(Caller caller, RbacViews.CreateRole request) {
        if (RESERVED_ROLES.contains(request.name())) {
            return Mono.error(Problems.conflict("role-reserved", "The role name '" + request.name() + "' is reserved"));
        }
        return Access.targetTenant(caller, request.tenantId())
                .flatMap(tenant -> requireTenant(tenant)
                        .then(db.sql("insert into role (tenant_id, name) values (:tenant, :name) returning id")
                                .bind("tenant", tenant).bind("name", request.name())
                                .map((row, meta) -> row.get("id", Long.class)).one())
                        .onErrorMap(DuplicateKeyException.class,
                                e -> Problems.conflict("role-exists", "The role '" + request.name() + "' already exists"))
                        .flatMap(id -> role(tenant, id)));
    }

    Mono<PermissionView> createPermission(Caller caller, RbacViews.CreatePermission request) {
        return Access.targetTenant(caller, request.tenantId())
                .flatMap(tenant -> requireTenant(tenant)
                        .then(db.sql("""
                                        insert into permission (tenant_id, name) values (:tenant, :name)
                                        returning id, name, tenant_id, builtin, created_at""")
                                .bind("tenant", tenant).bind("name", request.name())
                                .map((row, meta) -> permission(row)).one())
                        .onErrorMap(DuplicateKeyException.class,
                                e -> Problems.conflict("permission-exists", "The permission '" + request.name() + "' already exists")));
    }

    Mono<Page<RoleView>> roles(Caller caller) {
        return roleQuery("where r.tenant_id = :tenant", caller.tenant(), null).collectList()
                .map(list -> new Page<>(list, list.size()));
    }

    Mono<RoleView> role(Caller caller, long roleId) {
        return role(caller.tenant(), roleId);
    }

    Mono<Page<PermissionView>> permissions(Caller caller) {
        return db.sql("select id, name, tenant_id, builtin, created_at from permission where tenant_id = :tenant order by id")
                .bind("tenant", caller.tenant())
                .map((row, meta) -> permission(row)).all().collectList()
                .map(list -> new Page<>(list, list.size()));
    }

    Mono<Void> deleteRole(Caller caller, long roleId) {
        return customRole(caller.tenant(), roleId)
                .then(db.sql("delete from role where id = :id and tenant_id = :tenant")
                        .bind("id", roleId).bind("tenant", caller.tenant()).fetch().rowsUpdated())
                .then();
    }

    Mono<Void> deletePermission(Caller caller, long permissionId) {
        return db.sql("select builtin from permission where id = :id and tenant_id = :tenant")
                .bind("id", permissionId).bind("tenant", caller.tenant())
                .map((row, meta) -> row.get("builtin", Boolean.class)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("permission", String.valueOf(permissionId))))
                .flatMap(builtin -> builtin
                        ? Mono.error(Problems.conflict("permission-builtin", "Platform permissions cannot be deleted"))
                        : db.sql("delete from permission where id = :id and tenant_id = :tenant")
                        .bind("id", permissionId).bind("tenant", caller.tenant()).fetch().rowsUpdated().then());
    }

    Mono<RoleView> grant(Caller caller, long roleId, long permissionId) {
        String tenant = caller.tenant();
        return customRole(tenant, roleId)
                .then(permissionExists(tenant, permissionId))
                .then(db.sql("insert into role_permission (role_id, permission_id) values (:role, :permission) on conflict do nothing")
                        .bind("role", roleId).bind("permission", permissionId).fetch().rowsUpdated())
                .then(role(tenant, roleId));
    }

    Mono<RoleView> revoke(Caller caller, long roleId, long permissionId) {
        String tenant = caller.tenant();
        return customRole(tenant, roleId)
                .then(permissionExists(tenant, permissionId))
                .then(db.sql("delete from role_permission where role_id = :role and permission_id = :permission")
                        .bind("role", roleId).bind("permission", permissionId).fetch().rowsUpdated())
                .then(role(tenant, roleId));
    }

    Mono<UserRoles> assign(Caller caller, long userId, long roleId) {
        String tenant = caller.tenant();
        return userExists(tenant, userId)
                .then(role(tenant, roleId))
                .flatMap(role -> transactions.transactional(
                        db.sql("insert into user_role (user_id, role_id) values (:user, :role) on conflict do nothing")
                                .bind("user", userId).bind("role", roleId).fetch().rowsUpdated()))
                .then(userRoles(caller, userId));
    }

    Mono<UserRoles> unassign(Caller caller, long userId, long roleId) {
        String tenant = caller.tenant();
        return userExists(tenant, userId)
                .then(role(tenant, roleId))
                .flatMap(role -> String.valueOf(userId).equals(caller.userId()) && ADMIN.equals(role.name())
                        ? Mono.error(Problems.conflict("self-demotion", "Admins cannot take the admin role from themselves"))
                        : db.sql("delete from user_role where user_id = :user and role_id = :role")
                        .bind("user", userId).bind("role", roleId).fetch().rowsUpdated())
                .then(userRoles(caller, userId));
    }

    Mono<UserRoles> userRoles(Caller caller, long userId) {
        return userExists(caller.tenant(), userId)
                .then(grantsOf(userId, caller.tenant()))
                .map(grants -> new UserRoles(userId, caller.tenant(), List.copyOf(grants.roles()), List.copyOf(grants.permissions())));
    }

    // ---- helpers ----

    private Mono<RoleView> role(String tenant, long roleId) {
        return roleQuery("where r.tenant_id = :tenant and r.id = :id", tenant, roleId).next()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("role", String.valueOf(roleId))));
    }

    private Flux<RoleView> roleQuery(String where, String tenant, Long id) {
        var spec = db.sql("""
                        select r.id, r.name, r.tenant_id, r.builtin, r.created_at,
                               coalesce(array_agg(p.name order by p.name) filter (where p.name is not null), '{}') as permissions
                        from role r
                        left join role_permission rp on rp.role_id = r.id
                        left join permission p on p.id = rp.permission_id
                        %s
                        group by r.id order by r.id""".formatted(where))
                .bind("tenant", tenant);
        if (id != null) {
            spec = spec.bind("id", id);
        }
        return spec.map((row, meta) -> new RoleView(row.get("id", Long.class), row.get("name", String.class),
                row.get("tenant_id", String.class), Boolean.TRUE.equals(row.get("builtin", Boolean.class)),
                Arrays.asList(row.get("permissions", String[].class)), row.get("created_at", OffsetDateTime.class))).all();
    }

    /** The role, if it exists in the tenant and is not built in (built-in roles are fixed). */
    private Mono<Void> customRole(String tenant, long roleId) {
        return db.sql("select builtin from role where id = :id and tenant_id = :tenant")
                .bind("id", roleId).bind("tenant", tenant)
                .map((row, meta) -> row.get("builtin", Boolean.class)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("role", String.valueOf(roleId))))
                .flatMap(builtin -> builtin
                        ? Mono.error(Problems.conflict("role-builtin", "Built-in roles cannot be changed; create a role instead"))
                        : Mono.empty());
    }

    private Mono<Void> permissionExists(String tenant, long permissionId) {
        return exists("select 1 from permission where id = :id and tenant_id = :tenant", tenant, permissionId, "permission");
    }

    private Mono<Void> userExists(String tenant, long userId) {
        return exists("select 1 from app_user where id = :id and tenant_id = :tenant", tenant, userId, "user");
    }

    private Mono<Void> requireTenant(String tenant) {
        return db.sql("select 1 from tenant where id = :id").bind("id", tenant)
                .map((row, meta) -> 1).first()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("tenant", tenant)))
                .then();
    }

    private Mono<Void> exists(String sql, String tenant, long id, String kind) {
        return db.sql(sql).bind("id", id).bind("tenant", tenant)
                .map((row, meta) -> 1).first()
                .switchIfEmpty(Mono.error(() -> Problems.notFound(kind, String.valueOf(id))))
                .then();
    }

    private static PermissionView permission(Readable row) {
        return new PermissionView(row.get("id", Long.class), row.get("name", String.class), row.get("tenant_id", String.class),
                Boolean.TRUE.equals(row.get("builtin", Boolean.class)), row.get("created_at", OffsetDateTime.class));
    }
}
