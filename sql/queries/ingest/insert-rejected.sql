-- Records the events a request refused, without their bodies: one row per position in the arrays.
insert into rejected_events (customer_id, agent_id, event_id, event_index, code, request_id)
select :customer, :agent, e, i, c, :requestId
from unnest(cast(:eventIds as text[]), cast(:indexes as int[]), cast(:codes as text[])) as t(e, i, c)
