-- The weekly digest: one row per ISO week (its Monday) once the scheduled digest was delivered, so two
-- instances (or a restart) never send the same week twice.
create table report_weeks (
  week     date primary key,
  sent_at  timestamptz not null default now(),
  sinks    text not null
);
