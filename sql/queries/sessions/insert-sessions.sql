-- The request's sessions seen for the first time, in one order. A session another request inserted meanwhile is
-- waited for and locked instead (the no-op update); `inserted` says which rows are this request's to open.
insert into sessionizer_sessions (customer_id, session_id, agent_id, category, source, first_ts)
select :customer, s.session_id, s.agent_id, s.category, s.source, cast(s.first_ts as timestamptz)
from unnest(cast(:sessions as text[]), cast(:agents as text[]), cast(:categories as text[]), cast(:sources as text[]),
            cast(:firsts as text[])) with ordinality as s(session_id, agent_id, category, source, first_ts, n)
order by s.n
on conflict (customer_id, session_id) do update set touched_at = sessionizer_sessions.touched_at
returning session_id, generation, closed_at is not null as closed, xmax = 0 as inserted
