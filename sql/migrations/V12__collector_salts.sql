-- The agent-framework collector API sends host names and working directories: only a salted hash of each is
-- stored (dev.brain.collector.HostHashes). One random salt per customer, made on first use, never shown.
create table collector_salts (
  customer_id text primary key references customers(id),
  salt        bytea not null,
  created_at  timestamptz not null default now()
);
