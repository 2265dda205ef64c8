-- Every prediction: real-time rows carry the input, output and latency; batch and forecast rows the run.
-- The data flywheel learns from this log, so it is complete and indexed by model and by workload/client.
create table prediction (
    id              bigserial primary key,
    tenant_id       text             not null,
    train_id        bigint           not null,
    model_version   int,
    preprocess_id   bigint,
    predictor_name  text,
    problem_type    text,
    domain          text,
    prediction_type text             not null,
    status          text             not null,
    input           jsonb,
    output          jsonb,
    latency_ms      double precision,
    workload_id     text,
    client_id       text,
    dataset_id      bigint,
    no_of_records   bigint,
    accuracy        double precision,
    run_id          text unique,
    file_id         text,
    result_path     text,
    error_message   text,
    created_by      text,
    created_at      timestamptz      not null default now(),
    finished_at     timestamptz
);
create index prediction_tenant_train on prediction (tenant_id, train_id, id);
create index prediction_tenant_workload on prediction (tenant_id, workload_id, client_id, id) where workload_id is not null;
