-- Job definitions: built-ins registered by services (tenant_id = '' : visible to every tenant)
-- and command jobs registered by users of one tenant.
create table job_definition (
    tenant_id     text        not null default '',
    id            text        not null,
    namespace     text        not null,
    name          text        not null,
    version       text        not null,
    description   text,
    args_schema   jsonb,
    executor      text        not null,
    source        text        not null,
    kind          text        not null default 'builtin',
    command       jsonb,
    image         text,
    env           jsonb,
    resources     jsonb,
    expires_seconds bigint,
    max_attempts  int         not null default 1,
    lease_seconds int         not null default 60,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, id)
);

create table run (
    id               text        primary key,
    tenant_id        text        not null,
    job_id           text        not null,
    executor         text        not null,
    owner            text,
    owner_name       text,
    project          text,
    args             jsonb,
    priority         int         not null default 5,
    tags             text[]      not null default '{}',
    resources        jsonb,
    status           text        not null,
    progress         double precision not null default 0,
    message          text,
    result           jsonb,
    error            jsonb,
    attempt          int         not null default 1,
    max_attempts     int         not null default 1,
    lease_seconds    int         not null default 60,
    lease_expires_at timestamptz,
    retry_type       text,
    created_at       timestamptz not null,
    attempt_created_at timestamptz not null,
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz not null default now(),
    metrics          jsonb
);

create index run_tenant_id on run (tenant_id, id desc);
create index run_tenant_job on run (tenant_id, job_id, id desc);
create index run_tenant_status on run (tenant_id, status, id desc);
create index run_lease on run (lease_expires_at) where status in ('running', 'paused');
create index run_tags on run using gin (tags);

-- Earlier attempts of a run (lineage): the current attempt lives in run.
create table run_attempt (
    run_id      text        not null,
    attempt     int         not null,
    status      text        not null,
    result      jsonb,
    error       jsonb,
    created_at  timestamptz not null,
    started_at  timestamptz,
    finished_at timestamptz,
    primary key (run_id, attempt)
);

create table run_step (
    run_id      text        not null,
    attempt     int         not null,
    step_id     text        not null,
    name        text,
    status      text        not null,
    error       jsonb,
    started_at  timestamptz,
    finished_at timestamptz,
    primary key (run_id, attempt, step_id)
);

-- The durable stream: every event job-service accepted (run events and log lines), in the order
-- the single writer committed them. pos comes from stream_counter, whose row lock is held until
-- commit, so pos is dense and monotonic in commit order: "pos > last" never skips a late commit.
create table stream_counter (
    id  int    primary key,
    pos bigint not null
);
insert into stream_counter (id, pos) values (1, 0);

create table run_event (
    pos       bigint      primary key,
    event_id  text        not null,
    tenant_id text        not null,
    run_id    text        not null,
    job_id    text,
    type      text        not null,
    time      timestamptz not null,
    attempt   int,
    level     text,
    data      jsonb       not null
);

create index run_event_run on run_event (run_id, pos);
create index run_event_tenant on run_event (tenant_id, pos);

-- Positions below this were purged by retention: a cursor older than it answers 410.
create table stream_retention (
    id           int    primary key,
    purged_below bigint not null
);
insert into stream_retention (id, purged_below) values (1, 0);

create table idempotency_key (
    tenant_id    text        not null,
    key          text        not null,
    request_hash text        not null,
    run_id       text        not null,
    created_at   timestamptz not null default now(),
    primary key (tenant_id, key)
);

create table artifact (
    id          text        primary key,
    tenant_id   text        not null,
    run_id      text        not null,
    attempt     int         not null,
    name        text        not null,
    path        text        not null,
    media_type  text        not null,
    size_bytes  bigint      not null,
    created_at  timestamptz not null default now()
);
create index artifact_run on artifact (tenant_id, run_id);

create table run_metric (
    run_id    text             not null,
    tenant_id text             not null,
    name      text             not null,
    time      timestamptz      not null,
    value     double precision not null
);
create index run_metric_run on run_metric (run_id, name, time);
