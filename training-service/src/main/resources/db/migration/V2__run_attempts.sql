-- The attempt of the run a training (or a feature-importance computation) executes: job-service's
-- retry announces attempt n+1 of the same run, and every state write of a worker names its attempt,
-- so a superseded attempt cannot overwrite the new one. 'paused' joins the training statuses.
alter table training add column attempt int not null default 1;
alter table feature_importance add column attempt int not null default 1;
