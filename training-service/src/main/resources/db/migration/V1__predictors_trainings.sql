-- A predictor is the seed's "training job" (train_id): a named model of a tenant that may be trained
-- several times. Each training is one run and produces one model version.
create table predictor (
    id             bigserial primary key,
    tenant_id      text        not null,
    predictor_name text        not null,
    domain         text        not null,
    problem_type   text        not null,
    created_by     text,
    created_at     timestamptz not null default now(),
    modified_at    timestamptz not null default now(),
    -- the training whose model inference serves (latest completed, or chosen with /train/update/)
    active_training_id bigint,
    unique (tenant_id, predictor_name)
);

-- Versioned preprocessing artifacts (learned on a training split); the model bundle carries a copy.
create table preprocess (
    id           bigserial primary key,
    predictor_id bigint      not null references predictor (id) on delete cascade,
    tenant_id    text        not null,
    version      int         not null,
    artifact     jsonb       not null,
    created_at   timestamptz not null default now(),
    unique (predictor_id, version)
);

create table training (
    id                  bigserial primary key,
    predictor_id        bigint      not null references predictor (id) on delete cascade,
    tenant_id           text        not null,
    run_id              text        not null unique,
    job_id              text        not null default 'training/tabular',
    version             int         not null,
    dataset_id          bigint      not null,
    columns             jsonb       not null,
    algorithm           text        not null,
    booster             text,
    is_incremental      boolean     not null default false,
    base_training_id    bigint,
    shap_enabled        boolean     not null default false,
    status              text        not null,
    error_code          text,
    error_message       text,
    preprocess_id       bigint references preprocess (id),
    split_seed          bigint      not null,
    train_rows          int,
    validation_rows     int,
    boosted_rounds      int,
    metrics             jsonb,
    confusion_matrix    jsonb,
    model_path          text,
    callback_token_hash text        not null,
    external_result     jsonb,
    created_by          text,
    created_at          timestamptz not null default now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    unique (predictor_id, version)
);
create index training_tenant_predictor on training (tenant_id, predictor_id, version desc);

alter table predictor add constraint predictor_active_training
    foreign key (active_training_id) references training (id) on delete set null;

-- Feature importance (mean |SHAP| per feature) of a predictor's active model.
create table feature_importance (
    predictor_id  bigint primary key references predictor (id) on delete cascade,
    tenant_id     text        not null,
    training_id   bigint,
    run_id        text,
    status        text        not null,
    shares        jsonb,
    mean_abs_shap jsonb,
    sample_rows   int,
    error_message text,
    modified_at   timestamptz not null default now()
);
create index feature_importance_run on feature_importance (run_id);
