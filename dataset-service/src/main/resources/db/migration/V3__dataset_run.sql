-- The runs this service executes, with their args, so that a retry request (which carries only the
-- run id and the new attempt) can run them again.
create table dataset_run (
    run_id     text        primary key,
    tenant_id  text        not null,
    job_id     text        not null,
    args       jsonb       not null,
    attempt    integer     not null,
    created_at timestamptz not null default now()
);
