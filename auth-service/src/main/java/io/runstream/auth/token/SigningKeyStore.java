package io.runstream.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.runstream.auth.config.AuthProperties;
import io.runstream.auth.support.Randoms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * RSA signing keys kept in the database (private halves encrypted, see {@link KeyCrypto}). Every
 * replica reads the table every {@code refresh-interval}; the first one to find the current key older
 * than {@code rotation-period} (or no key at all) creates the next under an advisory lock. A retired
 * key is published until every token it can have signed has expired.
 */
@Component
class SigningKeyStore implements SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyStore.class);
    private static final long ROTATION_LOCK = 0x52554e5354524d4bL; // "RUNSTRMK"
    private static final Duration UNKNOWN_KID_RELOAD_GAP = Duration.ofSeconds(5);

    /** The key that signs now, and every key that verifies. */
    record KeyRing(RSAKey active, List<JWK> published) {
        Optional<JWK> find(String kid) {
            return published.stream().filter(k -> k.getKeyID().equals(kid)).findFirst();
        }
    }

    private record StoredKey(String kid, String publicJwk, String privateKey, Instant createdAt, Instant retiredAt) {
    }

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final KeyCrypto crypto;
    private final AuthProperties.Keys config;
    private final Duration retiredKeyGrace;
    private final AtomicReference<Mono<KeyRing>> ring = new AtomicReference<>();
    private final AtomicLong lastForcedReload = new AtomicLong();

    SigningKeyStore(DatabaseClient db, TransactionalOperator transactions, AuthProperties properties) {
        this.db = db;
        this.transactions = transactions;
        this.config = properties.keys();
        this.crypto = new KeyCrypto(config);
        Duration longestToken = max(properties.accessTokenTtl(), max(properties.serviceTokenTtl(), properties.apiKeyTokenTtl()));
        // other replicas may sign with the old key until they next reload; then its tokens live at most
        // the longest token lifetime, plus the clock skew validators allow
        this.retiredKeyGrace = longestToken.plus(config.refreshInterval()).plus(Duration.ofSeconds(60));
        this.ring.set(freshRing());
    }

    /** The current ring (cached for {@code refresh-interval}). */
    Mono<KeyRing> ring() {
        return ring.get();
    }

    /** Keys that may verify a token with this {@code kid}; an unknown kid triggers at most one reload every 5 s. */
    Flux<JWK> verificationKeys(String kid) {
        if (kid == null) {
            return Flux.empty();
        }
        return ring().flatMap(current -> {
            Optional<JWK> known = current.find(kid);
            if (known.isPresent()) {
                return Mono.just(known.get());
            }
            long now = System.nanoTime();
            long last = lastForcedReload.get();
            if (now - last < UNKNOWN_KID_RELOAD_GAP.toNanos() || !lastForcedReload.compareAndSet(last, now)) {
                return Mono.empty();
            }
            Mono<KeyRing> reloaded = freshRing();
            ring.set(reloaded);
            return reloaded.flatMap(r -> Mono.justOrEmpty(r.find(kid)));
        }).flux();
    }

    @Override
    public Mono<JWKSet> publicKeys() {
        return ring().map(r -> new JWKSet(r.published()));
    }

    @Override
    public Mono<String> rotateNow() {
        return rotate(true).then(Mono.defer(() -> {
            Mono<KeyRing> reloaded = freshRing();
            ring.set(reloaded);
            return reloaded.map(r -> r.active().getKeyID());
        }));
    }

    private Mono<KeyRing> freshRing() {
        return Mono.defer(this::load)
                .cache(loaded -> config.refreshInterval(), failure -> Duration.ZERO, () -> Duration.ZERO);
    }

    private Mono<KeyRing> load() {
        return published().collectList().flatMap(keys -> {
            StoredKey active = keys.stream().filter(k -> k.retiredAt() == null).findFirst().orElse(null);
            if (active == null || active.createdAt().plus(config.rotationPeriod()).isBefore(Instant.now())) {
                return rotate(false).then(published().collectList()).map(this::toRing);
            }
            return Mono.just(toRing(keys));
        });
    }

    private Flux<StoredKey> published() {
        return db.sql("""
                        select kid, public_jwk, private_key, created_at, retired_at from signing_key
                        where expires_at is null or expires_at > now() order by created_at desc""")
                .map((row, meta) -> new StoredKey(row.get("kid", String.class), row.get("public_jwk", String.class),
                        row.get("private_key", String.class), instant(row.get("created_at", OffsetDateTime.class)),
                        instant(row.get("retired_at", OffsetDateTime.class))))
                .all();
    }

    private KeyRing toRing(List<StoredKey> keys) {
        StoredKey active = keys.stream().filter(k -> k.retiredAt() == null).findFirst()
                .orElseThrow(() -> new IllegalStateException("no active signing key after rotation"));
        List<JWK> published = new ArrayList<>();
        try {
            for (StoredKey key : keys) {
                published.add(JWK.parse(key.publicJwk()));
            }
            return new KeyRing(RSAKey.parse(crypto.decrypt(active.privateKey())), List.copyOf(published));
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key does not parse", e);
        }
    }

    /** Creates the next key unless (when not forced) another replica just did. */
    private Mono<Void> rotate(boolean force) {
        Mono<Void> work = db.sql("select pg_advisory_xact_lock(:lock)").bind("lock", ROTATION_LOCK)
                .map((row, meta) -> 1).first()
                .then(db.sql("select created_at from signing_key where retired_at is null order by created_at desc limit 1")
                        .map((row, meta) -> instant(row.get("created_at", OffsetDateTime.class))).one()
                        .map(Optional::of).defaultIfEmpty(Optional.empty()))
                .flatMap(current -> {
                    boolean young = current.isPresent() && current.get().plus(config.rotationPeriod()).isAfter(Instant.now());
                    if (young && !force) {
                        return Mono.empty();
                    }
                    return generate().flatMap(key -> db.sql("""
                                    update signing_key set retired_at = now(), expires_at = now() + make_interval(secs => :grace)
                                    where retired_at is null""")
                            .bind("grace", (double) retiredKeyGrace.toSeconds())
                            .fetch().rowsUpdated()
                            .then(db.sql("""
                                            insert into signing_key (kid, algorithm, public_jwk, private_key)
                                            values (:kid, 'RS256', :publicJwk, :privateKey)""")
                                    .bind("kid", key.getKeyID())
                                    .bind("publicJwk", key.toPublicJWK().toJSONString())
                                    .bind("privateKey", crypto.encrypt(key.toJSONString()))
                                    .fetch().rowsUpdated())
                            .doOnSuccess(done -> log.info("signing key {} created; previous key retired, published for {} more",
                                    key.getKeyID(), retiredKeyGrace)))
                            .then();
                });
        return transactions.transactional(work);
    }

    private static Mono<RSAKey> generate() {
        return Mono.fromCallable(() -> {
            String kid = DateTimeFormatter.ofPattern("yyyyMMdd").format(OffsetDateTime.now(ZoneOffset.UTC)) + "-" + Randoms.hex(12);
            try {
                return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot generate an RSA key", e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
