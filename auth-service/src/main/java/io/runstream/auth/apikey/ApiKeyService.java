package io.runstream.auth.apikey;

import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Readable;
import io.runstream.auth.apikey.ApiKeyViews.ApiKeyView;
import io.runstream.auth.apikey.ApiKeyViews.CreatedApiKey;
import io.runstream.auth.config.AuthProperties;
import io.runstream.auth.rbac.Rbac;
import io.runstream.auth.support.Digests;
import io.runstream.auth.support.Randoms;
import io.runstream.auth.token.AccessTokens;
import io.runstream.auth.token.TokenSubject;
import io.runstream.auth.user.UserAccount;
import io.runstream.auth.user.Users;
import io.runstream.auth.web.Access;
import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * API keys: {@code rsk_} + 40 random alphanumerics (~238 bits). Only the SHA-256 of a key is stored:
 * a key is far too random to guess or brute-force from its digest, so a slow password hash would
 * only cost latency on every exchange; an unsalted digest also lets the key be found by an index lookup.
 */
@Service
class ApiKeyService {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);
    static final String KEY_PREFIX = "rsk_";
    static final String API_KEY_ROLE = "api_key";
    private static final String COLUMNS = "id, name, prefix, scopes, user_id, tenant_id, created_at, expires_at, last_used_at, revoked_at";

    private final DatabaseClient db;
    private final Users users;
    private final Rbac rbac;
    private final AccessTokens accessTokens;
    private final AuthProperties properties;

    ApiKeyService(DatabaseClient db, Users users, Rbac rbac, AccessTokens accessTokens, AuthProperties properties) {
        this.db = db;
        this.users = users;
        this.rbac = rbac;
        this.accessTokens = accessTokens;
        this.properties = properties;
    }

    /** A user creates a key for themself, with scopes among the permissions they hold. */
    Mono<CreatedApiKey> create(Caller caller, ApiKeyViews.CreateApiKey request) {
        long userId = userId(caller);
        if (userId < 0 || caller.roles().contains(API_KEY_ROLE)) {
            return Mono.error(Problems.forbidden("API keys are created by users signed in with their password"));
        }
        Set<String> scopes = new LinkedHashSet<>(request.scopes());
        Set<String> beyond = new TreeSet<>(scopes);
        beyond.removeAll(caller.permissions());
        if (!beyond.isEmpty()) {
            return Mono.error(Problems.with(Problems.forbidden("A key's scopes must be permissions its owner holds"),
                    Map.of("scopes_not_held", List.copyOf(beyond))));
        }
        String key = KEY_PREFIX + Randoms.alphanumeric(40);
        String prefix = key.substring(0, 12);
        var insert = db.sql("""
                        insert into api_key (id, tenant_id, user_id, name, prefix, secret_hash, scopes, expires_at)
                        values (:id, :tenant, :user, :name, :prefix, :hash, :scopes,
                                case when :days::int is null then null else now() + make_interval(days => :days::int) end)
                        returning id, name, prefix, scopes, created_at, expires_at""")
                .bind("id", Randoms.uuid()).bind("tenant", caller.tenant()).bind("user", userId)
                .bind("name", request.name()).bind("prefix", prefix).bind("hash", Digests.sha256Hex(key))
                .bind("scopes", scopes.toArray(String[]::new))
                .bind("days", Parameters.in(R2dbcType.INTEGER, request.expiresInDays()));
        return insert.map((row, meta) -> new CreatedApiKey(row.get("id", UUID.class), row.get("name", String.class),
                        row.get("prefix", String.class), Arrays.asList(row.get("scopes", String[].class)),
                        row.get("created_at", OffsetDateTime.class), row.get("expires_at", OffsetDateTime.class), key))
                .one()
                .doOnNext(created -> log.info("API key {} ({}) created by user {}", created.id(), prefix, userId));
    }

    /** The caller's keys; with {@code all} and {@code api_keys:manage}, every key of the tenant. */
    Mono<Page<ApiKeyView>> list(Caller caller, boolean all) {
        if (all && !caller.can(Access.MANAGE_API_KEYS)) {
            return Mono.error(Problems.forbidden("Listing every key of the tenant needs the permission 'api_keys:manage'"));
        }
        var spec = db.sql("select " + COLUMNS + " from api_key where tenant_id = :tenant"
                        + (all ? "" : " and user_id = :user") + " order by created_at desc")
                .bind("tenant", caller.tenant());
        if (!all) {
            spec = spec.bind("user", userId(caller));
        }
        return spec.map((row, meta) -> view(row)).all().collectList().map(keys -> new Page<>(keys, keys.size()));
    }

    Mono<ApiKeyView> get(Caller caller, UUID id) {
        return owned(caller, id);
    }

    /** Revokes a key of the caller (or of the tenant, with {@code api_keys:manage}); the next exchange fails. */
    Mono<Void> revoke(Caller caller, UUID id) {
        return owned(caller, id)
                .flatMap(key -> db.sql("update api_key set revoked_at = coalesce(revoked_at, now()) where id = :id and tenant_id = :tenant")
                        .bind("id", id).bind("tenant", caller.tenant()).fetch().rowsUpdated())
                .doOnNext(n -> log.info("API key {} revoked by {}", id, caller.userId()))
                .then();
    }

    /**
     * For the gateway (a service caller): a short-lived token for the key's user and tenant whose
     * permissions are the key's scopes, narrowed to what the user still holds.
     */
    Mono<ApiKeyViews.Exchanged> exchange(Caller caller, String rawKey) {
        if (!caller.roles().contains(Access.SERVICE_ROLE)) {
            return Mono.error(Problems.forbidden("Only services may exchange API keys"));
        }
        if (rawKey == null || !rawKey.startsWith(KEY_PREFIX) || rawKey.length() > 100) {
            return Mono.error(invalidKey());
        }
        return db.sql("""
                        update api_key set last_used_at = now()
                        where secret_hash = :hash and revoked_at is null and (expires_at is null or expires_at > now())
                        returning""" + " " + COLUMNS)
                .bind("hash", Digests.sha256Hex(rawKey))
                .map((row, meta) -> view(row)).one()
                .switchIfEmpty(Mono.error(ApiKeyService::invalidKey))
                .flatMap(key -> users.byId(key.userId())
                        .filter(UserAccount::active)
                        .filter(user -> user.tenantId().equals(key.tenantId()))
                        .switchIfEmpty(Mono.error(ApiKeyService::invalidKey))
                        .flatMap(user -> rbac.grantsOf(user.id(), user.tenantId()).flatMap(grants -> {
                            Set<String> permissions = new TreeSet<>(key.scopes());
                            permissions.retainAll(grants.permissions());
                            TokenSubject subject = new TokenSubject(String.valueOf(user.id()), user.username(), user.tenantId(),
                                    Set.of(API_KEY_ROLE), permissions, Map.of("api_key_id", key.id().toString()));
                            return accessTokens.issue(subject, properties.apiKeyTokenTtl())
                                    .map(token -> new ApiKeyViews.Exchanged(token.token(), "bearer", token.expiresIn(),
                                            user.tenantId(), subject.subject(), key.id(), List.copyOf(permissions)));
                        })));
    }

    private Mono<ApiKeyView> owned(Caller caller, UUID id) {
        boolean manager = caller.can(Access.MANAGE_API_KEYS);
        var spec = db.sql("select " + COLUMNS + " from api_key where id = :id and tenant_id = :tenant"
                        + (manager ? "" : " and user_id = :user"))
                .bind("id", id).bind("tenant", caller.tenant());
        if (!manager) {
            spec = spec.bind("user", userId(caller));
        }
        return spec.map((row, meta) -> view(row)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("API key", id.toString())));
    }

    private static ApiKeyView view(Readable row) {
        return new ApiKeyView(row.get("id", UUID.class), row.get("name", String.class), row.get("prefix", String.class),
                Arrays.asList(row.get("scopes", String[].class)), row.get("user_id", Long.class), row.get("tenant_id", String.class),
                row.get("created_at", OffsetDateTime.class), row.get("expires_at", OffsetDateTime.class),
                row.get("last_used_at", OffsetDateTime.class), row.get("revoked_at", OffsetDateTime.class));
    }

    private static long userId(Caller caller) {
        try {
            return Long.parseLong(caller.userId());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static RuntimeException invalidKey() {
        return Problems.of(HttpStatus.UNAUTHORIZED, "invalid-api-key", "Invalid API Key", "The API key is unknown, expired or revoked");
    }
}
