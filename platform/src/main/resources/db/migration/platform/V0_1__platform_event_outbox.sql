-- Shared by every service (from the platform library): the transactional outbox and the
-- consumer deduplication log. A service writes its state change and its event row in one
-- transaction; the relay publishes rows to Kafka in id order and marks them published.
create table event_outbox (
    id           bigserial primary key,
    event_id     text        not null unique,
    topic        text        not null,
    message_key  text,
    payload      text        not null,
    headers      jsonb       not null default '{}'::jsonb,
    created_at   timestamptz not null default now(),
    published_at timestamptz
);

create index event_outbox_unpublished on event_outbox (id) where published_at is null;
create index event_outbox_published_at on event_outbox (published_at) where published_at is not null;

-- Consumers are idempotent: an event id is processed once per consumer.
create table processed_event (
    consumer     text        not null,
    event_id     text        not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);
