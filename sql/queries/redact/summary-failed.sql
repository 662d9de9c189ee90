-- Marks an event whose summary could not be redacted (found as in summary-redacted.sql).
update events set summary_redacted = null, payload = payload || '{"summary_failed": true}'::jsonb
where customer_id = :customer and ts = :ts and agent_id = :agent and event_id = cast(:id as uuid)
