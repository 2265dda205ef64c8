-- Runs of other services (training, batch inference) that read a dataset: while one is unfinished
-- the dataset cannot be deleted. Filled from run.created, emptied by run.finished.
create table dataset_use (
    run_id     text        primary key,
    tenant_id  text        not null,
    dataset_id bigint      not null,
    job_id     text        not null,
    created_at timestamptz not null default now()
);
create index dataset_use_dataset on dataset_use (tenant_id, dataset_id);
