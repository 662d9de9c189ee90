-- A session's new records (one row per array position; a record already stored, from a retried export, is skipped)
-- and, when any was new, the session's idle clock, generation and end marker, in one round trip. Answers how many were new.
with fresh as (
insert into sessionizer_fragments (customer_id, fragment_id, session_id, generation, ts, end_ts, kind, name, ok, ms,
                                   input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_cents, size)
select :customer, cast(f.id as uuid), :session, :generation, cast(f.ts as timestamptz), cast(f.end_ts as timestamptz),
       f.kind, f.name, f.ok, f.ms, f.input, f.output, f.cache_read, f.cache_creation, cast(f.cost as numeric), f.size
from unnest(cast(:ids as text[]), cast(:ts as text[]), cast(:endTs as text[]), cast(:kinds as text[]), cast(:names as text[]),
            cast(:oks as boolean[]), cast(:ms as bigint[]), cast(:inputs as bigint[]), cast(:outputs as bigint[]),
            cast(:cacheReads as bigint[]), cast(:cacheCreations as bigint[]), cast(:costs as text[]), cast(:sizes as bigint[]))
     as f(id, ts, end_ts, kind, name, ok, ms, input, output, cache_read, cache_creation, cost, size)
on conflict (customer_id, fragment_id) do nothing
returning 1
), touched as (
  update sessionizer_sessions set touched_at = now(), generation = :generation, closed_at = null,
    end_known = (end_known and closed_at is null) or :ends
  where customer_id = :customer and session_id = :session and exists (select 1 from fresh)
  returning 1
)
select (select count(*) from fresh) as fresh, (select count(*) from touched) as touched
