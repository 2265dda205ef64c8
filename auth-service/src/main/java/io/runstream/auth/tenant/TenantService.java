package io.runstream.auth.tenant;

import io.r2dbc.spi.Readable;
import io.runstream.auth.rbac.Rbac;
import io.runstream.auth.support.Randoms;
import io.runstream.auth.web.Access;
import io.runstream.auth.web.Limits;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

@Service
class TenantService implements Tenants {

    /** {@code system} is the tenant of service tokens; it owns nothing. */
    private static final Set<String> RESERVED = Set.of("system");

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Rbac rbac;

    TenantService(DatabaseClient db, TransactionalOperator transactions, Rbac rbac) {
        this.db = db;
        this.transactions = transactions;
        this.rbac = rbac;
    }

    @Override
    public Mono<TenantView> ensure(String id, String name) {
        return transactions.transactional(db.sql("insert into tenant (id, name) values (:id, :name) on conflict (id) do nothing")
                        .bind("id", id).bind("name", name).fetch().rowsUpdated()
                        .then(rbac.seedTenant(id)))
                .then(find(id));
    }

    @Override
    public Mono<TenantView> create(Caller caller, NewTenant tenant) {
        String id = tenant.id() == null || tenant.id().isBlank() ? Randoms.uuid().toString() : tenant.id();
        if (!id.matches(Limits.TENANT_ID)) {
            return Mono.error(Problems.invalidFields("Invalid tenant id",
                    List.of(new Problems.FieldError("id", "must be 2-63 of [a-z0-9-], starting with a letter or digit"))));
        }
        if (RESERVED.contains(id)) {
            return Mono.error(Problems.conflict("tenant-exists", "The tenant id '" + id + "' is reserved"));
        }
        return Access.requiringPlatformAdmin(caller)
                .then(transactions.transactional(db.sql("insert into tenant (id, name) values (:id, :name)")
                        .bind("id", id).bind("name", tenant.name()).fetch().rowsUpdated()
                        .then(rbac.seedTenant(id))))
                .onErrorMap(DataIntegrityViolationException.class,
                        e -> Problems.conflict("tenant-exists", "A tenant with the id '" + id + "' already exists"))
                .then(find(id));
    }

    @Override
    public Mono<Listing> visible(Caller caller, int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > Limits.MAX_PAGE) {
            return Mono.error(Problems.badRequest("offset must be >= 0 and limit between 1 and " + Limits.MAX_PAGE));
        }
        boolean all = Access.isPlatformAdmin(caller);
        String where = all ? "" : " where id = :tenant";
        var page = db.sql("select id, name, is_active, created_at from tenant" + where + " order by created_at, id offset :offset limit :limit");
        var count = db.sql("select count(*) as n from tenant" + where);
        if (!all) {
            page = page.bind("tenant", caller.tenant());
            count = count.bind("tenant", caller.tenant());
        }
        return Mono.zip(page.bind("offset", offset).bind("limit", limit).map((row, meta) -> view(row)).all().collectList(),
                        count.map((row, meta) -> row.get("n", Long.class)).one())
                .map(t -> new Listing(t.getT1(), t.getT2()));
    }

    @Override
    public Mono<TenantView> get(Caller caller, String id) {
        if (!id.equals(caller.tenant()) && !Access.isPlatformAdmin(caller)) {
            return Mono.error(Problems.notFound("tenant", id));
        }
        return find(id).switchIfEmpty(Mono.error(() -> Problems.notFound("tenant", id)));
    }

    private Mono<TenantView> find(String id) {
        return db.sql("select id, name, is_active, created_at from tenant where id = :id").bind("id", id)
                .map((row, meta) -> view(row)).one();
    }

    private static TenantView view(Readable row) {
        return new TenantView(row.get("id", String.class), row.get("name", String.class),
                Boolean.TRUE.equals(row.get("is_active", Boolean.class)), row.get("created_at", OffsetDateTime.class));
    }
}
