-- Sets aside the event with id :id that the rollup cannot fold: ids and the error only, never the payload.
-- Returns its event_id the first time only.
insert into rollup_skipped (id, event_id, ts, customer_id, error)
select id, event_id, ts, customer_id, :error from events where id = :id
on conflict (id) do nothing
returning event_id
