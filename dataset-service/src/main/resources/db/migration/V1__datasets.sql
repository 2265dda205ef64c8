-- Templates: a tenant's named column schemas that uploads are validated against.
create table template (
    id              bigserial   primary key,
    tenant_id       text        not null,
    template_name   text        not null,
    template_schema jsonb       not null,
    created_by      text,
    created_at      timestamptz not null default now(),
    modified_by     text,
    modified_at     timestamptz not null default now(),
    unique (tenant_id, template_name)
);

-- A dataset groups uploaded files; its columns are the template's, or inferred from its files.
create table dataset (
    id                 bigserial        primary key,
    tenant_id          text             not null,
    dataset_name       text             not null,
    usage              text             not null,
    template_id        bigint           references template (id),
    iceberg_table_name text,
    data_source        text             not null default 'csv',
    columns            jsonb,
    is_valid           boolean          not null default false,
    dataset_usability  double precision,
    created_by         text,
    created_at         timestamptz      not null default now(),
    modified_by        text,
    modified_at        timestamptz      not null default now(),
    unique (tenant_id, dataset_name)
);

-- One uploaded file: where its raw bytes and its validated copy live, and its validation outcome.
create table dataset_file (
    id                bigserial   primary key,
    tenant_id         text        not null,
    dataset_id        bigint      not null references dataset (id) on delete cascade,
    file_name         text        not null,
    raw_key           text        not null,
    validated_key     text        not null,
    size_bytes        bigint      not null,
    status            text        not null, -- pending | validating | validated | failed
    run_id            text,
    total_fields      integer,
    total_records     bigint,
    valid_records     bigint,
    is_valid          boolean,
    error_report      jsonb,
    columns           jsonb,
    created_at        timestamptz not null default now(),
    modified_at       timestamptz not null default now()
);
create index dataset_file_dataset on dataset_file (tenant_id, dataset_id);

-- Statistics runs and their results (the latest completed one is what GET /statistics shows).
create table dataset_statistics (
    id          bigserial   primary key,
    tenant_id   text        not null,
    dataset_id  bigint      not null references dataset (id) on delete cascade,
    run_id      text        not null unique,
    status      text        not null, -- pending | running | completed | failed
    result      jsonb,
    error       text,
    created_at  timestamptz not null default now(),
    finished_at timestamptz
);
create index dataset_statistics_dataset on dataset_statistics (tenant_id, dataset_id, id);
