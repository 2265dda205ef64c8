-- Positions are no longer taken inside the transaction that appends an event: that held one counter
-- row lock through every writer's commit and serialised all run writes. Writers now insert with
-- pos = null (seq, an identity, only records insertion order); after they commit, StreamSequencer
-- numbers committed rows in seq order under the stream_counter row lock and commits the numbers
-- together, so a position becomes visible only with every smaller one (see docs/job-service.md).
alter table run_event drop constraint run_event_pkey;
alter table run_event add column seq bigint generated always as identity;
alter table run_event add primary key (seq);
alter table run_event alter column pos drop not null;
create unique index run_event_pos on run_event (pos);
create index run_event_unsequenced on run_event (seq) where pos is null;
