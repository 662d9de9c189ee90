-- Up to :n idempotency keys older than the retention horizon :h; short batches keep each delete brief.
delete from event_keys where (event_id, agent_id) in
  (select event_id, agent_id from event_keys where ts < :h limit :n)
