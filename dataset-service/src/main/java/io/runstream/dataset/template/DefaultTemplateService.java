package io.runstream.dataset.template;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.runstream.dataset.dataset.DatasetStore;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.ColumnType;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

@Service
class DefaultTemplateService implements TemplateService {

    private final DatabaseClient db;
    private final JsonMapper json;
    private final DatasetStore datasets;

    DefaultTemplateService(DatabaseClient db, JsonMapper json, DatasetStore datasets) {
        this.db = db;
        this.json = json;
        this.datasets = datasets;
    }

    @Override
    public Mono<Template> create(Caller caller, TemplateRequest request) {
        List<ColumnSpec> columns = columns(request);
        return db.sql("""
                        insert into template (tenant_id, template_name, template_schema, created_by, modified_by)
                        values (:tenant, :name, :schema, :user, :user)
                        returning *""")
                .bind("tenant", caller.tenant()).bind("name", request.templateName().trim())
                .bind("schema", Json.of(json.writeValueAsString(columns))).bind("user", user(caller))
                .map((Readable row) -> template(row)).one()
                .onErrorMap(DataIntegrityViolationException.class, e -> duplicate(request));
    }

    @Override
    public Flux<Template> list(Caller caller) {
        return db.sql("select * from template where tenant_id = :tenant order by id")
                .bind("tenant", caller.tenant())
                .map((Readable row) -> template(row)).all();
    }

    @Override
    public Mono<Template> get(String tenant, long id) {
        return db.sql("select * from template where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant)
                .map((Readable row) -> template(row)).one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("template", String.valueOf(id))));
    }

    @Override
    public Mono<Template> update(Caller caller, long id, TemplateRequest request) {
        List<ColumnSpec> columns = columns(request);
        return db.sql("""
                        update template set template_name = :name, template_schema = :schema, modified_by = :user,
                                            modified_at = now()
                        where id = :id and tenant_id = :tenant
                        returning *""")
                .bind("name", request.templateName().trim()).bind("schema", Json.of(json.writeValueAsString(columns)))
                .bind("user", user(caller)).bind("id", id).bind("tenant", caller.tenant())
                .map((Readable row) -> template(row)).one()
                .onErrorMap(DataIntegrityViolationException.class, e -> duplicate(request))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("template", String.valueOf(id))));
    }

    @Override
    public Mono<Void> delete(Caller caller, long id) {
        return get(caller.tenant(), id)
                .flatMap(template -> datasets.usesTemplate(caller.tenant(), id))
                .flatMap(used -> used
                        ? Mono.error(Problems.conflict("template-in-use",
                        "The template " + id + " is used by a dataset; delete the dataset first"))
                        : db.sql("delete from template where id = :id and tenant_id = :tenant")
                        .bind("id", id).bind("tenant", caller.tenant()).then())
                .onErrorMap(DataIntegrityViolationException.class, e -> Problems.conflict("template-in-use",
                        "The template " + id + " is used by a dataset; delete the dataset first"));
    }

    /** The request's columns with canonical types and defaults, or a 400 naming every offending field. */
    static List<ColumnSpec> columns(TemplateRequest request) {
        List<TemplateRequest.Column> schema = request.templateSchema() == null ? List.of() : request.templateSchema();
        List<io.runstream.platform.web.Problems.FieldError> errors = new ArrayList<>();
        List<ColumnSpec> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < schema.size(); i++) {
            TemplateRequest.Column column = schema.get(i);
            String field = "template_schema[" + i + "]";
            if (column == null) {
                errors.add(new Problems.FieldError(field, "must not be null"));
                continue;
            }
            String name = column.columnName().trim();
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                errors.add(new Problems.FieldError(field + ".column_name", "duplicate column name '" + name + "'"));
            }
            ColumnType type = ColumnType.parse(column.dataType());
            if (type == null) {
                errors.add(new Problems.FieldError(field + ".data_type", "unknown type '" + column.dataType()
                        + "'; one of String, Integer, Float, Boolean, Date, Timestamp"));
                continue;
            }
            String defaultValue = column.defaultValue();
            if (defaultValue != null && !defaultValue.trim().isEmpty()) {
                String canonical = type.canonical(defaultValue.trim());
                if (canonical == null) {
                    errors.add(new Problems.FieldError(field + ".default_value",
                            "'" + defaultValue + "' is not a valid " + type.wireName()));
                }
                defaultValue = canonical;
            } else {
                defaultValue = null;
            }
            columns.add(new ColumnSpec(name, type, defaultValue));
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("The template schema is invalid", errors);
        }
        return columns;
    }

    private static RuntimeException duplicate(TemplateRequest request) {
        return Problems.conflict("template-name-taken", "A template named '" + request.templateName().trim()
                + "' already exists");
    }

    private static String user(Caller caller) {
        return caller.username() != null ? caller.username() : caller.userId();
    }

    private Template template(Readable row) {
        List<ColumnSpec> schema = datasets.readColumns(row.get("template_schema", Json.class).asString());
        return new Template(row.get("template_name", String.class), row.get("id", Long.class),
                row.get("tenant_id", String.class), schema.size(), row.get("created_by", String.class),
                row.get("created_at", OffsetDateTime.class).toInstant(), row.get("modified_at", OffsetDateTime.class).toInstant(),
                row.get("modified_by", String.class), schema);
    }
}
