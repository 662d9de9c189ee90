-- The idempotency keys of up to :n events of <partition> older than :h with ids past :after; returns the
-- batch's last id (null when none is left) and how many keys went. A key is written with its event and
-- shares its ts, so it never guards an event of another partition.
with batch as (
  select id, event_id, agent_id from <partition> where id > :after and ts < :h order by id limit :n
), expired as (
  delete from event_keys k using batch b where k.event_id = b.event_id and k.agent_id = b.agent_id returning 1
)
select max(id) as last_id, (select count(*) from expired) as keys from batch
