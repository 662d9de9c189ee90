-- Privacy: the per-customer Tier-C switch (default off: tier c behaves as b) and the audit log of
-- every read of a raw summary through the brain.

alter table customers add column tier_c_enabled boolean not null default false;

create table audit_log (
  id           bigint generated always as identity primary key,
  at           timestamptz not null default now(),
  actor        text not null,
  action       text not null,
  customer_id  text,
  event_ids    uuid[] not null default '{}',
  detail       text
);
create index audit_log_at on audit_log (at desc);
create index audit_log_customer on audit_log (customer_id, at desc);

-- Events whose redaction failed and whose raw text was kept (tier c only) can be retried.
create index events_summary_failed on events (customer_id) where (jsonb_exists(payload, 'summary_failed'));
