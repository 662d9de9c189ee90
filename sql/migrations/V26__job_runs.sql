-- Each finished run of a scheduled job: which instance ran it and when, on the database's clock. Written under the
-- job's advisory lock, so runs of one job never overlap, whichever brain behind the balancer holds the lock.
-- A week is kept (the scheduler deletes older rows as it writes).
create table job_runs (
  id           bigint generated always as identity primary key,
  job          text not null,
  instance     text not null,
  started_at   timestamptz not null,
  finished_at  timestamptz not null
);
create index job_runs_started on job_runs (started_at);
