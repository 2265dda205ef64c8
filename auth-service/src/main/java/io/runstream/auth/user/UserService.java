package io.runstream.auth.user;

import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Readable;
import io.runstream.auth.password.Passwords;
import io.runstream.auth.rbac.Rbac;
import io.runstream.auth.token.RefreshTokens;
import io.runstream.auth.web.Access;
import io.runstream.auth.web.Limits;
import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Users of a tenant. Every statement that takes an id from a client also names the caller's tenant. */
@Service
class UserService implements Users {

    private static final Logger log = LoggerFactory.getLogger(UserService.class);
    private static final String COLUMNS = "id, tenant_id, username, email, first_name, last_name, password_hash, is_active, platform_admin";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Passwords passwords;
    private final Rbac rbac;
    private final RefreshTokens refreshTokens;

    UserService(DatabaseClient db, TransactionalOperator transactions, Passwords passwords, Rbac rbac, RefreshTokens refreshTokens) {
        this.db = db;
        this.transactions = transactions;
        this.passwords = passwords;
        this.rbac = rbac;
        this.refreshTokens = refreshTokens;
    }

    // ---- for other features ----

    @Override
    public Mono<UserAccount> byUsername(String username) {
        if (username == null || username.length() > 64) {
            return Mono.empty();
        }
        return db.sql("select " + COLUMNS + " from app_user where lower(username) = lower(:username)")
                .bind("username", username).map((row, meta) -> account(row)).one();
    }

    @Override
    public Mono<UserAccount> byId(long id) {
        return db.sql("select " + COLUMNS + " from app_user where id = :id").bind("id", id).map((row, meta) -> account(row)).one();
    }

    @Override
    public Mono<Long> count() {
        return db.sql("select count(*) as n from app_user").map((row, meta) -> row.get("n", Long.class)).one();
    }

    @Override
    public Mono<UserAccount> create(NewUser user, Collection<String> roles) {
        return passwords.hash(user.rawPassword()).flatMap(hash -> transactions.transactional(
                db.sql("""
                                insert into app_user (tenant_id, username, email, first_name, last_name, password_hash, platform_admin)
                                values (:tenant, :username, :email, :firstName, :lastName, :hash, :platformAdmin)
                                returning """ + " " + COLUMNS)
                        .bind("tenant", user.tenantId())
                        .bind("username", user.username())
                        .bind("email", user.email())
                        .bind("firstName", Parameters.in(R2dbcType.VARCHAR, user.firstName()))
                        .bind("lastName", Parameters.in(R2dbcType.VARCHAR, user.lastName()))
                        .bind("hash", hash)
                        .bind("platformAdmin", user.platformAdmin())
                        .map((row, meta) -> account(row)).one()
                        .flatMap(created -> rbac.assignRoles(created.id(), created.tenantId(), roles).thenReturn(created))))
                .onErrorMap(DataIntegrityViolationException.class, UserService::duplicate);
    }

    @Override
    public Mono<Void> changePasswordHash(long userId, String passwordHash) {
        return db.sql("update app_user set password_hash = :hash, updated_at = now() where id = :id")
                .bind("hash", passwordHash).bind("id", userId).fetch().rowsUpdated().then();
    }

    // ---- the user API ----

    Mono<UserView> createUser(Caller caller, UserRequests.CreateUser request) {
        List<String> roles = request.roles() == null || request.roles().isEmpty() ? List.of(Rbac.VIEWER) : request.roles();
        boolean onlyDefault = roles.equals(List.of(Rbac.VIEWER));
        if (!onlyDefault && !caller.can(Access.MANAGE_ROLES) && !Access.isPlatformAdmin(caller)) {
            return Mono.error(Problems.forbidden("Giving a new user roles other than 'viewer' needs the permission 'can_manage_roles'"));
        }
        var violation = passwords.policyViolation(request.password(), request.username());
        if (violation.isPresent()) {
            return Mono.error(Problems.invalidFields("The password does not meet the password policy",
                    List.of(new Problems.FieldError("password", violation.get()))));
        }
        return Access.targetTenant(caller, request.tenantId())
                .flatMap(tenant -> tenantExists(tenant)
                        .then(create(new NewUser(tenant, request.username(), request.email(), request.firstName(),
                                request.lastName(), request.password(), false), roles)))
                .doOnNext(user -> log.info("user {} created in tenant {} by {}", user.id(), user.tenantId(), caller.userId()))
                .map(UserView::of);
    }

    Mono<Page<UserView>> list(Caller caller, int skip, int limit) {
        if (skip < 0 || limit < 1 || limit > Limits.MAX_PAGE) {
            return Mono.error(Problems.badRequest("skip must be >= 0 and limit between 1 and " + Limits.MAX_PAGE));
        }
        Mono<Long> total = db.sql("select count(*) as n from app_user where tenant_id = :tenant")
                .bind("tenant", caller.tenant()).map((row, meta) -> row.get("n", Long.class)).one();
        Mono<List<UserView>> page = db.sql("select " + COLUMNS + " from app_user where tenant_id = :tenant order by id offset :skip limit :limit")
                .bind("tenant", caller.tenant()).bind("skip", skip).bind("limit", limit)
                .map((row, meta) -> UserView.of(account(row))).all().collectList();
        return Mono.zip(page, total).map(t -> new Page<>(t.getT1(), t.getT2()));
    }

    Mono<UserView> get(Caller caller, long id) {
        return selfOrManager(caller, id).then(scoped(caller, id)).map(UserView::of);
    }

    Mono<UserView> update(Caller caller, long id, UserRequests.UpdateUser request) {
        if (request.active() != null && !caller.can(Access.MANAGE_USERS)) {
            return Mono.error(Problems.forbidden("Changing is_active needs the permission 'can_manage_users'"));
        }
        if (Boolean.FALSE.equals(request.active()) && String.valueOf(id).equals(caller.userId())) {
            return Mono.error(Problems.conflict("self-deactivation", "Users cannot deactivate themselves"));
        }
        return selfOrManager(caller, id)
                .then(scoped(caller, id))
                .flatMap(current -> transactions.transactional(db.sql("""
                                        update app_user set first_name = :firstName, last_name = :lastName, email = :email,
                                               is_active = :active, updated_at = now()
                                        where id = :id and tenant_id = :tenant returning """ + " " + COLUMNS)
                                .bind("firstName", Parameters.in(R2dbcType.VARCHAR,
                                        request.firstName() != null ? request.firstName() : current.firstName()))
                                .bind("lastName", Parameters.in(R2dbcType.VARCHAR,
                                        request.lastName() != null ? request.lastName() : current.lastName()))
                                .bind("email", request.email() != null ? request.email() : current.email())
                                .bind("active", request.active() != null ? request.active() : current.active())
                                .bind("id", id).bind("tenant", caller.tenant())
                                .map((row, meta) -> account(row)).one()
                                .flatMap(updated -> updated.active() ? Mono.just(updated)
                                        : refreshTokens.revokeAll(id).thenReturn(updated)))
                        .onErrorMap(DataIntegrityViolationException.class, UserService::duplicate))
                .map(UserView::of);
    }

    Mono<UserView> deactivate(Caller caller, long id) {
        return update(caller, id, new UserRequests.UpdateUser(null, null, null, false));
    }

    /**
     * The seed's reset by query parameters, made safe: the user themself or a user manager of the
     * user's tenant; the policy applies; every refresh token of the user is revoked.
     */
    Mono<Void> resetPassword(Caller caller, String userName, String newPassword) {
        List<Problems.FieldError> missing = new java.util.ArrayList<>();
        if (userName == null || userName.isBlank()) {
            missing.add(new Problems.FieldError("user_name", "must not be blank"));
        }
        if (newPassword == null || newPassword.isEmpty()) {
            missing.add(new Problems.FieldError("new_password", "must not be blank"));
        }
        if (!missing.isEmpty()) {
            return Mono.error(Problems.invalidFields("user_name and new_password are required", missing));
        }
        boolean self = userName.equalsIgnoreCase(caller.username());
        if (!self && !caller.can(Access.MANAGE_USERS)) {
            return Mono.error(Problems.forbidden("Only the user themself or an admin of their tenant may reset a password"));
        }
        return byUsername(userName)
                .filter(user -> self ? String.valueOf(user.id()).equals(caller.userId()) : user.tenantId().equals(caller.tenant()))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("user", userName)))
                .flatMap(user -> {
                    var violation = passwords.policyViolation(newPassword, user.username());
                    if (violation.isPresent()) {
                        return Mono.error(Problems.invalidFields("The password does not meet the password policy",
                                List.of(new Problems.FieldError("new_password", violation.get()))));
                    }
                    return passwords.hash(newPassword).flatMap(hash -> transactions.transactional(
                                    changePasswordHash(user.id(), hash).then(refreshTokens.revokeAll(user.id()))))
                            .doOnSuccess(revoked -> log.info("password of user {} reset by {}; {} refresh tokens revoked",
                                    user.id(), caller.userId(), revoked));
                })
                .then();
    }

    // ---- helpers ----

    private Mono<Void> selfOrManager(Caller caller, long id) {
        return String.valueOf(id).equals(caller.userId()) || caller.can(Access.MANAGE_USERS) ? Mono.empty()
                : Mono.error(Problems.forbidden("This operation needs the permission '" + Access.MANAGE_USERS + "'"));
    }

    private Mono<UserAccount> scoped(Caller caller, long id) {
        return db.sql("select " + COLUMNS + " from app_user where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", caller.tenant())
                .map((row, meta) -> account(row)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("user", String.valueOf(id))));
    }

    private Mono<Void> tenantExists(String tenant) {
        return db.sql("select 1 from tenant where id = :id").bind("id", tenant).map((row, meta) -> 1).first()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("tenant", tenant))).then();
    }

    private static Throwable duplicate(DataIntegrityViolationException e) {
        String message = Objects.toString(e.getMessage(), "");
        if (message.contains("app_user_username_key")) {
            return Problems.conflict("username-taken", "A user with this username already exists");
        }
        if (message.contains("app_user_email_key")) {
            return Problems.conflict("email-taken", "A user with this email already exists");
        }
        return e;
    }

    private static UserAccount account(Readable row) {
        return new UserAccount(row.get("id", Long.class), row.get("tenant_id", String.class), row.get("username", String.class),
                row.get("email", String.class), row.get("first_name", String.class), row.get("last_name", String.class),
                row.get("password_hash", String.class), Boolean.TRUE.equals(row.get("is_active", Boolean.class)),
                Boolean.TRUE.equals(row.get("platform_admin", Boolean.class)));
    }
}
