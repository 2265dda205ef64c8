package io.runstream.auth.bootstrap;

import io.runstream.auth.config.AuthProperties;
import io.runstream.auth.rbac.Rbac;
import io.runstream.auth.support.Randoms;
import io.runstream.auth.tenant.Tenants;
import io.runstream.auth.token.SigningKeys;
import io.runstream.auth.user.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/**
 * At start: a signing key exists, every tenant has the platform's permissions and built-in roles,
 * and — when there is no user at all — the configured platform admin exists. Runs on the main
 * thread before the service reports ready, so it waits for the database.
 */
@Component
class FirstStart implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FirstStart.class);

    private final Users users;
    private final Tenants tenants;
    private final Rbac rbac;
    private final SigningKeys keys;
    private final DatabaseClient db;
    private final AuthProperties.BootstrapAdmin admin;

    FirstStart(Users users, Tenants tenants, Rbac rbac, SigningKeys keys, DatabaseClient db, AuthProperties properties) {
        this.users = users;
        this.tenants = tenants;
        this.rbac = rbac;
        this.keys = keys;
        this.db = db;
        this.admin = properties.bootstrapAdmin();
    }

    @Override
    public void run(ApplicationArguments args) {
        keys.publicKeys()
                .then(tenants.ensure(admin.tenant(), admin.tenant()))
                .then(db.sql("select id from tenant").map((row, meta) -> row.get("id", String.class)).all()
                        .concatMap(rbac::seedTenant).then())
                .then(users.count())
                .flatMap(count -> count > 0 ? Mono.empty() : createAdmin())
                .block(Duration.ofMinutes(2));
    }

    private Mono<Void> createAdmin() {
        boolean generated = admin.password() == null || admin.password().isBlank();
        String password = generated ? Randoms.alphanumeric(24) : admin.password();
        var user = new Users.NewUser(admin.tenant(), admin.username(), admin.email(), null, null, password, true);
        return users.create(user, List.of(Rbac.ADMIN))
                .doOnNext(created -> {
                    if (generated) {
                        log.warn("No bootstrap admin password configured (RUNSTREAM_ADMIN_PASSWORD): generated one for '{}' "
                                + "in tenant '{}', shown this once: {}", admin.username(), admin.tenant(), password);
                    } else {
                        log.info("platform admin '{}' created in tenant '{}'", admin.username(), admin.tenant());
                    }
                })
                .onErrorResume(DataIntegrityViolationException.class, e -> {
                    log.info("another replica created the platform admin first");
                    return Mono.empty();
                })
                .then();
    }
}
