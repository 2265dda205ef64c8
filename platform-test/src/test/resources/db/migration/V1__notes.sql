create table note (
    id         bigserial primary key,
    tenant_id  text not null,
    title      text not null,
    created_at timestamptz not null default now()
);
