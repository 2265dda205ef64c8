package io.runstream.job.definition;

import io.r2dbc.spi.Readable;
import io.runstream.job.support.Sql;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.RunEvents;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;

@Repository
class JobDefinitionRepository {

    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {
    };
    private final DatabaseClient db;
    private final JsonMapper json;

    JobDefinitionRepository(DatabaseClient db, EventCodec codec) {
        this.db = db;
        this.json = codec.mapper();
    }

    Mono<Void> upsert(JobDefinition d) {
        var spec = db.sql("""
                insert into job_definition (tenant_id, id, namespace, name, version, description, args_schema, executor,
                    source, kind, command, image, env, resources, expires_seconds, max_attempts, lease_seconds)
                values (:tenant, :id, :namespace, :name, :version, :description, :schema, :executor, :source, :kind,
                    :command, :image, :env, :resources, :expires, :maxAttempts, :leaseSeconds)
                on conflict (tenant_id, id) do update set namespace = excluded.namespace, name = excluded.name,
                    version = excluded.version, description = excluded.description, args_schema = excluded.args_schema,
                    executor = excluded.executor, source = excluded.source, kind = excluded.kind,
                    command = excluded.command, image = excluded.image, env = excluded.env,
                    resources = excluded.resources, expires_seconds = excluded.expires_seconds,
                    max_attempts = excluded.max_attempts, lease_seconds = excluded.lease_seconds, updated_at = now()""")
                .bind("tenant", d.tenantId())
                .bind("id", d.id())
                .bind("namespace", d.namespace())
                .bind("name", d.name())
                .bind("version", d.version())
                .bind("executor", d.executor())
                .bind("source", d.source())
                .bind("kind", d.kind())
                .bind("maxAttempts", d.maxAttempts())
                .bind("leaseSeconds", d.leaseSeconds());
        spec = Sql.bind(spec, "description", d.description(), String.class);
        spec = Sql.bindJson(spec, "schema", d.argsSchema(), json);
        spec = Sql.bindJson(spec, "command", d.command(), json);
        spec = Sql.bind(spec, "image", d.image(), String.class);
        spec = Sql.bindJson(spec, "env", d.env() == null ? null : json.valueToTree(d.env()), json);
        spec = Sql.bindJson(spec, "resources", d.resources() == null ? null : json.valueToTree(d.resources()), json);
        spec = Sql.bind(spec, "expires", d.expiresSeconds(), Long.class);
        return spec.then();
    }

    /** The tenant's own definition wins over a built-in of the same id. */
    Mono<JobDefinition> find(String tenant, String id) {
        return db.sql("""
                        select * from job_definition where id = :id and tenant_id in ('', :tenant)
                        order by tenant_id desc limit 1""")
                .bind("id", id).bind("tenant", tenant)
                .map(this::map).one();
    }

    Mono<JobDefinition> findExact(String tenant, String id) {
        return db.sql("select * from job_definition where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant)
                .map(this::map).one();
    }

    Flux<JobDefinition> list(String tenant, String source, String namespace) {
        var spec = db.sql("""
                select * from job_definition where tenant_id in ('', :tenant)
                  and (cast(:source as text) is null or source = :source)
                  and (cast(:namespace as text) is null or namespace = :namespace)
                order by id, tenant_id""").bind("tenant", tenant);
        spec = Sql.bind(spec, "source", source, String.class);
        spec = Sql.bind(spec, "namespace", namespace, String.class);
        return spec.map(this::map).all();
    }

    Mono<Long> delete(String tenant, String id) {
        return db.sql("delete from job_definition where tenant_id = :tenant and id = :id")
                .bind("tenant", tenant).bind("id", id)
                .fetch().rowsUpdated();
    }

    private JobDefinition map(Readable row) {
        JsonNode env = Sql.json(row, "env", json);
        JsonNode resources = Sql.json(row, "resources", json);
        return new JobDefinition(row.get("tenant_id", String.class), row.get("id", String.class),
                row.get("namespace", String.class), row.get("name", String.class), row.get("version", String.class),
                row.get("description", String.class), Sql.json(row, "args_schema", json),
                row.get("executor", String.class), row.get("source", String.class), row.get("kind", String.class),
                Sql.json(row, "command", json), row.get("image", String.class),
                env == null ? null : json.convertValue(env, ENV),
                resources == null ? null : json.treeToValue(resources, RunEvents.Resources.class),
                row.get("expires_seconds", Long.class), row.get("max_attempts", Integer.class),
                row.get("lease_seconds", Integer.class), Sql.instant(row, "created_at"), Sql.instant(row, "updated_at"));
    }
}
