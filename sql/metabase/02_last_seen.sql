-- 2. Last seen: per agent, time of its newest event; silent = nothing for more than 1 hour.
-- Metabase variables: customer (Text, optional).
select agent_id, customer_id, last_seen_at, silent_seconds, silent
from analytics.last_seen
where true [[and customer_id = {{customer}}]]
order by last_seen_at asc nulls first
