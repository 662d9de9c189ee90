-- Months written to BRAIN_ARCHIVE_DIR before retention dropped them: where, and the manifest's checksum.
-- Once a month is here, an instance started without BRAIN_ARCHIVE_DIR drops nothing: archiving, once on for a
-- database, cannot be skipped by one misconfigured instance behind the balancer.
create table archived_months (
  month            date primary key,
  archived_at      timestamptz not null default now(),
  directory        text not null,
  manifest_sha256  text not null,
  events           bigint not null,
  rejected_events  bigint not null
);
