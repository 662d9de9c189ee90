-- The alerts one rule opens in one evaluation, in one statement (AlertEngine): one row per new subject, firing
-- from :at. The arrays are parallel, one element per alert.
insert into alerts (rule, subject, customer_id, agent_id, severity, state, message, detail, link, fired_at, last_seen_at)
select :rule, f.subject, f.customer_id, f.agent_id, :severity, 'firing', f.message, cast(f.detail as jsonb), f.link, :at, :at
from unnest(cast(:subjects as text[]), cast(:customers as text[]), cast(:agents as text[]), cast(:messages as text[]),
            cast(:details as text[]), cast(:links as text[])) as f(subject, customer_id, agent_id, message, detail, link)
returning *
