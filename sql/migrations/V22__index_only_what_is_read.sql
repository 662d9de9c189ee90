-- Ingest cheaper than the seed schema (issue 16): every accepted event paid two heap rows and seven
-- index entries. What is read now decides what is indexed:
--   events (id, ts), the primary key: the rollup job reads events by id past its watermark.
--   event_keys (event_id, agent_id), its primary key: idempotency, global across partitions.
--   events_summary_failed, events_summary_raw (partial, tier-c rows only): privacy's reads and purge.
-- The seed's four indexes served raw reads that no query makes (analytics read rollups), and
-- event_keys_ts served expiry, which now deletes the keys of a partition as it is dropped
-- (dev.brain.db.PartitionMaintenance), joining on the primary key instead.
drop index events_customer_ts, events_agent_ts, events_type_ts, events_session;
drop index event_keys_ts;

-- The raw-summary reads and the Tier-C purge (privacy/PrivacyDao) find a customer's kept raw text here;
-- only tier-c rows with the switch on carry it, so the index stays small.
create index events_summary_raw on events (customer_id, ts) where jsonb_exists(payload, 'summary_raw');
