-- Stores a redacted summary on its event: customer and ts find the partition and index, agent and
-- event_id name the one event (an event_id is unique per agent only).
update events set summary_redacted = :redacted, payload = payload - 'summary_failed'
where customer_id = :customer and ts = :ts and agent_id = :agent and event_id = cast(:id as uuid)
