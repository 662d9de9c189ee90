-- Writes last_seen_at and version for the agents :ids (dev.brain.ingest.AgentActivity), skipping rows
-- another transaction has locked. Returns the ids that are done: written, or with no agent row at all.
with v as (select * from unnest(cast(:ids as text[]), cast(cast(:seen as text[]) as timestamptz[]), cast(:versions as text[]))
             as v(id, seen, version)),
locked as (select a.id from agents a join v on v.id = a.id for update of a skip locked),
updated as (
  update agents a set last_seen_at = greatest(a.last_seen_at, v.seen), version = coalesce(v.version, a.version)
  from v where a.id = v.id and a.id in (select id from locked)
    and (a.last_seen_at is null or a.last_seen_at < v.seen or (v.version is not null and a.version is distinct from v.version)))
select v.id from v where v.id in (select id from locked) or not exists (select 1 from agents a where a.id = v.id)
