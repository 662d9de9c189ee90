-- The request's new records (one row per array position; a record already stored, from a retried export, is skipped)
-- and, for each session that got any, its idle clock, generation and end marker, in one round trip. Answers how many
-- records were new per session.
with fresh as (
  insert into sessionizer_fragments (customer_id, fragment_id, session_id, generation, ts, end_ts, kind, name, ok, ms,
                                     input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_cents, size,
                                     ttft_ms, subagent)
  select :customer, cast(f.id as uuid), f.session_id, f.generation, cast(f.ts as timestamptz), cast(f.end_ts as timestamptz),
         f.kind, f.name, f.ok, f.ms, f.input, f.output, f.cache_read, f.cache_creation, cast(f.cost as numeric), f.size,
         f.ttft, f.subagent
  from unnest(cast(:ids as text[]), cast(:fragmentSessions as text[]), cast(:fragmentGenerations as int[]), cast(:ts as text[]),
              cast(:endTs as text[]), cast(:kinds as text[]), cast(:names as text[]), cast(:oks as boolean[]), cast(:ms as bigint[]),
              cast(:inputs as bigint[]), cast(:outputs as bigint[]), cast(:cacheReads as bigint[]), cast(:cacheCreations as bigint[]),
              cast(:costs as text[]), cast(:sizes as bigint[]), cast(:ttfts as bigint[]), cast(:subagents as boolean[]))
       as f(id, session_id, generation, ts, end_ts, kind, name, ok, ms, input, output, cache_read, cache_creation, cost, size,
            ttft, subagent)
  on conflict (customer_id, fragment_id) do nothing
  returning session_id
), counts as (
  select session_id, count(*) as fresh from fresh group by session_id
), touched as (
  update sessionizer_sessions s set touched_at = now(), generation = x.generation, closed_at = null,
    end_known = (s.end_known and s.closed_at is null) or x.ends
  from unnest(cast(:sessions as text[]), cast(:generations as int[]), cast(:ends as boolean[])) as x(session_id, generation, ends)
  join counts c using (session_id)
  where s.customer_id = :customer and s.session_id = x.session_id
  returning 1
)
select c.session_id, c.fresh, (select count(*) from touched) as touched from counts c
