package io.runstream.dataset.dataset;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.ErrorReport;
import io.runstream.dataset.validation.ValidationOutcome;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

/**
 * The dataset and dataset_file tables. Every statement is scoped by tenant inside its SQL; a row of
 * another tenant is indistinguishable from a missing one.
 */
@Component
public class DatasetStore {

    private static final TypeReference<List<ColumnSpec>> COLUMNS = new TypeReference<>() {
    };
    private static final String DATASET_SELECT = """
            select d.*, t.template_name,
                   (select count(*) from dataset_file f where f.dataset_id = d.id and f.tenant_id = d.tenant_id) as file_count
            from dataset d left join template t on t.id = d.template_id and t.tenant_id = d.tenant_id
            """;

    private final DatabaseClient db;
    private final JsonMapper json;
    private final DatasetProperties properties;
    /**
     * Readers built at start-up: they resolve their deserializers now, not on the first row an event
     * loop maps (Jackson's deserializer cache takes a lock while it builds one).
     */
    private final ObjectReader columnsReader;
    private final ObjectReader reportReader;

    DatasetStore(DatabaseClient db, JsonMapper json, DatasetProperties properties) {
        this.db = db;
        this.json = json;
        this.properties = properties;
        this.columnsReader = json.readerFor(COLUMNS);
        this.reportReader = json.readerFor(ErrorReport.class);
    }

    /** Reads a column list stored as JSON (a template's schema, a dataset's or file's columns). */
    public List<ColumnSpec> readColumns(String text) {
        return columnsReader.readValue(text);
    }

    public Mono<DatasetRow> find(String tenant, long id) {
        return db.sql(DATASET_SELECT + " where d.id = :id and d.tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant)
                .map((Readable row) -> dataset(row)).one();
    }

    public Flux<DatasetRow> list(String tenant, boolean validOnly) {
        return db.sql(DATASET_SELECT + " where d.tenant_id = :tenant" + (validOnly ? " and d.is_valid" : "") + " order by d.id")
                .bind("tenant", tenant)
                .map((Readable row) -> dataset(row)).all();
    }

    public Mono<Boolean> nameTaken(String tenant, String name) {
        return db.sql("select 1 from dataset where tenant_id = :tenant and dataset_name = :name")
                .bind("tenant", tenant).bind("name", name)
                .map(row -> 1).first().hasElement();
    }

    public Mono<Boolean> usesTemplate(String tenant, long templateId) {
        return db.sql("select 1 from dataset where tenant_id = :tenant and template_id = :template limit 1")
                .bind("tenant", tenant).bind("template", templateId)
                .map(row -> 1).first().hasElement();
    }

    public Mono<Long> insert(String tenant, String name, String usage, Long templateId, String icebergTableName,
                             List<ColumnSpec> columns, String user) {
        var spec = db.sql("""
                        insert into dataset (tenant_id, dataset_name, usage, template_id, iceberg_table_name, columns,
                                             created_by, modified_by)
                        values (:tenant, :name, :usage, :template, :iceberg, :columns, :user, :user)
                        returning id""")
                .bind("tenant", tenant).bind("name", name).bind("usage", usage).bind("user", user);
        spec = templateId == null ? spec.bindNull("template", Long.class) : spec.bind("template", templateId);
        spec = icebergTableName == null ? spec.bindNull("iceberg", String.class) : spec.bind("iceberg", icebergTableName);
        spec = columns == null ? spec.bindNull("columns", Json.class) : spec.bind("columns", toJson(columns));
        return spec.map(row -> row.get("id", Long.class)).one();
    }

    public Mono<Long> nextFileId() {
        return db.sql("select nextval('dataset_file_id_seq') as id").map(row -> row.get("id", Long.class)).one();
    }

    public Mono<Void> insertFile(String tenant, long id, long datasetId, String fileName, String rawKey, String validatedKey,
                                 long size, String status, String runId) {
        var spec = db.sql("""
                        insert into dataset_file (id, tenant_id, dataset_id, file_name, raw_key, validated_key, size_bytes,
                                                  status, run_id)
                        values (:id, :tenant, :dataset, :name, :raw, :validated, :size, :status, :run)""")
                .bind("id", id).bind("tenant", tenant).bind("dataset", datasetId).bind("name", fileName)
                .bind("raw", rawKey).bind("validated", validatedKey).bind("size", size).bind("status", status);
        spec = runId == null ? spec.bindNull("run", String.class) : spec.bind("run", runId);
        return spec.then().then(touch(tenant, datasetId));
    }

    public Flux<FileRow> files(String tenant, long datasetId) {
        return db.sql("select * from dataset_file where dataset_id = :dataset and tenant_id = :tenant order by id")
                .bind("dataset", datasetId).bind("tenant", tenant)
                .map((Readable row) -> file(row)).all();
    }

    public Flux<FileRow> files(String tenant, Collection<Long> ids) {
        return db.sql("select * from dataset_file where id = any(:ids) and tenant_id = :tenant order by id")
                .bind("ids", ids.toArray(Long[]::new)).bind("tenant", tenant)
                .map((Readable row) -> file(row)).all();
    }

    public Mono<FileRow> file(String tenant, long id) {
        return db.sql("select * from dataset_file where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant)
                .map((Readable row) -> file(row)).one();
    }

    /** The file whose raw or validated object is {@code key}. */
    public Mono<FileRow> fileByKey(String tenant, String key) {
        return db.sql("select * from dataset_file where tenant_id = :tenant and (raw_key = :key or validated_key = :key) limit 1")
                .bind("tenant", tenant).bind("key", key)
                .map((Readable row) -> file(row)).one();
    }

    public Mono<Void> markStatus(String tenant, Collection<Long> fileIds, String status) {
        return db.sql("update dataset_file set status = :status, modified_at = now() where id = any(:ids) and tenant_id = :tenant")
                .bind("status", status).bind("ids", fileIds.toArray(Long[]::new)).bind("tenant", tenant)
                .then();
    }

    /** Stores a file's validation outcome and refreshes its dataset's usability, validity and columns. */
    public Mono<Void> recordOutcome(String tenant, FileRow file, ValidationOutcome outcome) {
        ErrorReport report = outcome.report();
        return db.sql("""
                        update dataset_file set status = 'validated', total_fields = :fields, total_records = :total,
                               valid_records = :valid, is_valid = :isValid, error_report = :report, columns = :columns,
                               modified_at = now()
                        where id = :id and tenant_id = :tenant""")
                .bind("fields", outcome.totalFields()).bind("total", outcome.totalRecords())
                .bind("valid", outcome.validRecords()).bind("isValid", report.isValid())
                .bind("report", toJson(report)).bind("columns", toJson(outcome.columns()))
                .bind("id", file.id()).bind("tenant", tenant)
                .then()
                .then(db.sql("update dataset set columns = :columns where id = :id and tenant_id = :tenant and columns is null")
                        .bind("columns", toJson(outcome.columns())).bind("id", file.datasetId()).bind("tenant", tenant)
                        .then())
                .then(refresh(tenant, file.datasetId()));
    }

    public Mono<Void> recordFailure(String tenant, FileRow file, String message) {
        return db.sql("""
                        update dataset_file set status = 'failed', is_valid = false, error_report = :report, modified_at = now()
                        where id = :id and tenant_id = :tenant""")
                .bind("report", Json.of(json.writeValueAsString(java.util.Map.of("parse_error", message))))
                .bind("id", file.id()).bind("tenant", tenant)
                .then()
                .then(refresh(tenant, file.datasetId()));
    }

    /** A dataset is valid when every file validated and the share of valid rows reaches the threshold. */
    public Mono<Void> refresh(String tenant, long datasetId) {
        return db.sql("""
                        update dataset d set
                            dataset_usability = s.valid::float8 / nullif(s.total, 0),
                            is_valid = s.files > 0 and s.all_valid and coalesce(s.valid::float8 / nullif(s.total, 0), 0) >= :threshold,
                            modified_at = now()
                        from (select count(*) as files, coalesce(sum(valid_records), 0) as valid,
                                     coalesce(sum(total_records), 0) as total,
                                     coalesce(bool_and(status = 'validated' and is_valid), false) as all_valid
                              from dataset_file where dataset_id = :id and tenant_id = :tenant) s
                        where d.id = :id and d.tenant_id = :tenant""")
                .bind("threshold", properties.validation().validThreshold())
                .bind("id", datasetId).bind("tenant", tenant)
                .then();
    }

    public Mono<Void> touch(String tenant, long datasetId) {
        return db.sql("update dataset set modified_at = now() where id = :id and tenant_id = :tenant")
                .bind("id", datasetId).bind("tenant", tenant).then();
    }

    public Mono<Long> deleteDataset(String tenant, long id) {
        return db.sql("delete from dataset where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant).fetch().rowsUpdated();
    }

    public Mono<Long> deleteFile(String tenant, long id) {
        return db.sql("delete from dataset_file where id = :id and tenant_id = :tenant")
                .bind("id", id).bind("tenant", tenant).fetch().rowsUpdated();
    }

    private Json toJson(Object value) {
        return Json.of(json.writeValueAsString(value));
    }

    private DatasetRow dataset(Readable row) {
        Json columns = row.get("columns", Json.class);
        return new DatasetRow(row.get("id", Long.class), row.get("tenant_id", String.class),
                row.get("dataset_name", String.class), row.get("usage", String.class), row.get("template_id", Long.class),
                row.get("template_name", String.class), row.get("iceberg_table_name", String.class),
                row.get("data_source", String.class), columns == null ? null : readColumns(columns.asString()),
                Boolean.TRUE.equals(row.get("is_valid", Boolean.class)), row.get("dataset_usability", Double.class),
                row.get("file_count", Long.class), row.get("created_by", String.class), instant(row, "created_at"),
                row.get("modified_by", String.class), instant(row, "modified_at"));
    }

    private FileRow file(Readable row) {
        Json report = row.get("error_report", Json.class);
        Json columns = row.get("columns", Json.class);
        return new FileRow(row.get("id", Long.class), row.get("tenant_id", String.class), row.get("dataset_id", Long.class),
                row.get("file_name", String.class), row.get("raw_key", String.class), row.get("validated_key", String.class),
                row.get("size_bytes", Long.class), row.get("status", String.class), row.get("run_id", String.class),
                row.get("total_fields", Integer.class), row.get("total_records", Long.class),
                row.get("valid_records", Long.class), row.get("is_valid", Boolean.class),
                report == null ? null : readReport(report.asString()),
                columns == null ? null : readColumns(columns.asString()),
                instant(row, "created_at"), instant(row, "modified_at"));
    }

    private ErrorReport readReport(String text) {
        var node = json.readTree(text);
        if (!node.has("total_records")) {
            // a failure record: only the message
            return new ErrorReport(0, 0, 0, 0, false,
                    new ErrorReport.HeaderReport(List.of(), List.of(), List.of(), List.of(), false, false),
                    java.util.Map.of(), List.of(), false, node.path("parse_error").asString(""));
        }
        return reportReader.readValue(node);
    }

    static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
