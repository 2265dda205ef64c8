package io.runstream.auth.org;

import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Readable;
import io.runstream.auth.support.Randoms;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.List;

/** Projects group runs and datasets inside a tenant; ids look like Trainwave's ({@code p-...}). */
@Service
class ProjectService {

    private static final String COLUMNS = "id, tenant_id, name, description, created_by, created_at";

    private final DatabaseClient db;

    ProjectService(DatabaseClient db) {
        this.db = db;
    }

    record Project(String id, String name, String description, String organization, String createdBy, OffsetDateTime createdAt) {
    }

    record ProjectList(List<Project> projects, long total) {
    }

    Mono<ProjectList> list(Caller caller, String org, int limit, int offset) {
        if (org != null && !org.isBlank() && !org.equals(caller.tenant())) {
            return Mono.just(new ProjectList(List.of(), 0)); // another organization's projects do not exist for this caller
        }
        Mono<List<Project>> page = db.sql("select " + COLUMNS + " from project where tenant_id = :tenant order by created_at, id offset :offset limit :limit")
                .bind("tenant", caller.tenant()).bind("offset", offset).bind("limit", limit)
                .map((row, meta) -> project(row)).all().collectList();
        Mono<Long> total = db.sql("select count(*) as n from project where tenant_id = :tenant").bind("tenant", caller.tenant())
                .map((row, meta) -> row.get("n", Long.class)).one();
        return Mono.zip(page, total).map(t -> new ProjectList(t.getT1(), t.getT2()));
    }

    Mono<Project> create(Caller caller, String org, String name, String description) {
        if (org != null && !org.isBlank() && !org.equals(caller.tenant())) {
            return Mono.error(Problems.notFound("organization", org));
        }
        return db.sql("insert into project (id, tenant_id, name, description, created_by) values (:id, :tenant, :name, :description, :by) returning " + COLUMNS)
                .bind("id", "p-" + Randoms.hex(12)).bind("tenant", caller.tenant()).bind("name", name)
                .bind("description", Parameters.in(R2dbcType.VARCHAR, description))
                .bind("by", caller.userId())
                .map((row, meta) -> project(row)).one()
                .onErrorMap(DataIntegrityViolationException.class,
                        e -> Problems.conflict("project-exists", "A project named '" + name + "' already exists"));
    }

    Mono<Project> get(String tenant, String id) {
        return db.sql("select " + COLUMNS + " from project where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant)
                .map((row, meta) -> project(row)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("project", id)));
    }

    private static Project project(Readable row) {
        return new Project(row.get("id", String.class), row.get("name", String.class), row.get("description", String.class),
                row.get("tenant_id", String.class), row.get("created_by", String.class), row.get("created_at", OffsetDateTime.class));
    }
}
