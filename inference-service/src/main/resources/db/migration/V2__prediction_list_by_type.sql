-- GET /predictions pages a model's log newest first and counts what matches. V1's (tenant_id, train_id, id)
-- cannot check prediction_type without visiting the table, so PostgreSQL's generic plans preferred walking the
-- primary key backwards and filtering every row of the tenant's other models (a second per page at 2 M rows).
-- This index replaces it: newest first, with the type in the index, so the type filter and its count stay
-- index-only. Building it blocks writes to the table meanwhile (seconds per million rows): the prediction log
-- queues and retries, then holds predictions back; nothing is lost.
create index prediction_tenant_train_newest on prediction (tenant_id, train_id, id desc) include (prediction_type);
drop index prediction_tenant_train;
-- Batch and forecast rows are few among a busy model's real-time ones: this partial index finds them without
-- reading the others, and real-time inserts never touch it. Queries name `prediction_type <> 'realtime'`
-- literally so that the planner can use it.
create index prediction_tenant_train_not_realtime on prediction (tenant_id, train_id, prediction_type, id)
    where prediction_type <> 'realtime';
