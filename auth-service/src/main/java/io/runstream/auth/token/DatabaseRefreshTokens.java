package io.runstream.auth.token;

import io.runstream.auth.config.AuthProperties;
import io.runstream.auth.support.Digests;
import io.runstream.auth.support.Randoms;
import io.runstream.platform.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** Refresh tokens: {@code rt_} + 256 random bits, stored as SHA-256 hex; rotation with reuse detection. */
@Component
class DatabaseRefreshTokens implements RefreshTokens {

    private static final Logger log = LoggerFactory.getLogger(DatabaseRefreshTokens.class);
    private static final String PREFIX = "rt_";
    private static final int MAX_LENGTH = 128;

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final AuthProperties properties;

    DatabaseRefreshTokens(DatabaseClient db, TransactionalOperator transactions, AuthProperties properties) {
        this.db = db;
        this.transactions = transactions;
        this.properties = properties;
    }

    @Override
    public Mono<String> start(long userId, String tenant) {
        return insert(Randoms.uuid(), userId, tenant);
    }

    @Override
    public Mono<Rotated> rotate(String rawToken) {
        if (!wellFormed(rawToken)) {
            return Mono.error(invalid());
        }
        String hash = Digests.sha256Hex(rawToken);
        // spend atomically: of two concurrent refreshes with the same token only one wins
        Mono<Rotated> work = db.sql("""
                        update refresh_token set spent_at = now()
                        where token_hash = :hash and spent_at is null and revoked_at is null and expires_at > now()
                        returning family_id, user_id, tenant_id""")
                .bind("hash", hash)
                .map((row, meta) -> new Spent(row.get("family_id", UUID.class), row.get("user_id", Long.class),
                        row.get("tenant_id", String.class)))
                .one()
                .flatMap(spent -> insert(spent.family(), spent.userId(), spent.tenant())
                        .map(next -> new Rotated(spent.userId(), spent.tenant(), next)));
        return transactions.transactional(work)
                .switchIfEmpty(Mono.defer(() -> revokeFamilyIfReused(hash).then(Mono.error(invalid()))));
    }

    /** A known token that cannot be spent was spent or revoked before: someone replays it, so the family dies. */
    private Mono<Void> revokeFamilyIfReused(String hash) {
        return db.sql("""
                        update refresh_token set revoked_at = coalesce(revoked_at, now())
                        where family_id = (select family_id from refresh_token where token_hash = :hash and spent_at is not null)""")
                .bind("hash", hash)
                .fetch().rowsUpdated()
                .doOnNext(count -> {
                    if (count > 0) {
                        log.warn("a spent refresh token was presented again: its family ({} tokens) is revoked", count);
                    }
                })
                .then();
    }

    @Override
    public Mono<Boolean> revoke(String rawToken, long userId) {
        if (!wellFormed(rawToken)) {
            return Mono.just(false);
        }
        return db.sql("""
                        update refresh_token set revoked_at = coalesce(revoked_at, now())
                        where family_id = (select family_id from refresh_token where token_hash = :hash and user_id = :user)""")
                .bind("hash", Digests.sha256Hex(rawToken))
                .bind("user", userId)
                .fetch().rowsUpdated()
                .map(count -> count > 0);
    }

    @Override
    public Mono<Long> revokeAll(long userId) {
        return db.sql("update refresh_token set revoked_at = now() where user_id = :user and revoked_at is null and spent_at is null")
                .bind("user", userId)
                .fetch().rowsUpdated();
    }

    private Mono<String> insert(UUID family, long userId, String tenant) {
        String raw = PREFIX + Randoms.urlSafe(32);
        return db.sql("""
                        insert into refresh_token (id, family_id, user_id, tenant_id, token_hash, expires_at)
                        values (:id, :family, :user, :tenant, :hash, now() + make_interval(secs => :ttl))""")
                .bind("id", Randoms.uuid())
                .bind("family", family)
                .bind("user", userId)
                .bind("tenant", tenant)
                .bind("hash", Digests.sha256Hex(raw))
                .bind("ttl", (double) properties.refreshTokenTtl().toSeconds())
                .fetch().rowsUpdated()
                .thenReturn(raw);
    }

    private static boolean wellFormed(String raw) {
        return raw != null && raw.startsWith(PREFIX) && raw.length() <= MAX_LENGTH;
    }

    private static RuntimeException invalid() {
        return Problems.of(HttpStatus.UNAUTHORIZED, "invalid-refresh-token", "Invalid Refresh Token",
                "The refresh token is unknown, expired, revoked or already used");
    }

    private record Spent(UUID family, long userId, String tenant) {
    }
}
