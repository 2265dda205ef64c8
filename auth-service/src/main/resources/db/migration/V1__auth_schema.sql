-- auth-service: tenants, users, RBAC, refresh tokens, signing keys, API keys, projects.
-- Every tenant-owned row carries tenant_id and every query filters on it.

create table tenant (
    id         text primary key,
    name       text        not null,
    is_active  boolean     not null default true,
    created_at timestamptz not null default now()
);

create table app_user (
    id             bigserial primary key,
    tenant_id      text        not null references tenant (id),
    username       text        not null,
    email          text        not null,
    first_name     text,
    last_name      text,
    password_hash  text        not null,
    is_active      boolean     not null default true,
    platform_admin boolean     not null default false,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
-- usernames and emails are unique across the platform: login names no tenant
create unique index app_user_username_key on app_user (lower(username));
create unique index app_user_email_key on app_user (lower(email));
create index app_user_tenant on app_user (tenant_id, id);

create table permission (
    id          bigserial primary key,
    tenant_id   text        not null references tenant (id),
    name        text        not null,
    builtin     boolean     not null default false,
    created_at  timestamptz not null default now(),
    constraint permission_tenant_name_key unique (tenant_id, name)
);

create table role (
    id         bigserial primary key,
    tenant_id  text        not null references tenant (id),
    name       text        not null,
    builtin    boolean     not null default false,
    created_at timestamptz not null default now(),
    constraint role_tenant_name_key unique (tenant_id, name)
);

create table role_permission (
    role_id       bigint not null references role (id) on delete cascade,
    permission_id bigint not null references permission (id) on delete cascade,
    primary key (role_id, permission_id)
);

create table user_role (
    user_id bigint not null references app_user (id) on delete cascade,
    role_id bigint not null references role (id) on delete cascade,
    primary key (user_id, role_id)
);

-- Refresh tokens are opaque random strings; only their SHA-256 is stored. A login starts a
-- family; every refresh spends one token and adds the next to the family.
create table refresh_token (
    id         uuid primary key,
    family_id  uuid        not null,
    user_id    bigint      not null references app_user (id) on delete cascade,
    tenant_id  text        not null,
    token_hash text        not null unique,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    spent_at   timestamptz,
    revoked_at timestamptz
);
create index refresh_token_family on refresh_token (family_id);
create index refresh_token_user on refresh_token (user_id);

-- JWT signing keys. private_key is AES-256-GCM ciphertext (base64), never the raw key.
-- retired_at: no longer signs; expires_at: no longer published (after the last token it signed expired).
create table signing_key (
    kid         text primary key,
    algorithm   text        not null,
    public_jwk  text        not null,
    private_key text        not null,
    created_at  timestamptz not null default now(),
    retired_at  timestamptz,
    expires_at  timestamptz
);

create table api_key (
    id           uuid primary key,
    tenant_id    text        not null references tenant (id),
    user_id      bigint      not null references app_user (id) on delete cascade,
    name         text        not null,
    prefix       text        not null,
    secret_hash  text        not null unique,
    scopes       text[]      not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create index api_key_tenant on api_key (tenant_id, created_at);

create table project (
    id          text primary key,
    tenant_id   text        not null references tenant (id),
    name        text        not null,
    description text,
    created_by  text,
    created_at  timestamptz not null default now(),
    constraint project_tenant_name_key unique (tenant_id, name)
);
create index project_tenant on project (tenant_id, created_at);
