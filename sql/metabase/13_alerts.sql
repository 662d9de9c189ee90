-- 13. Alerts: what fired, for whom, how long it lasted; firing first, then the newest.
-- Metabase variables: state (Text, optional: firing or resolved), customer (Text, optional).
select id, rule, severity, state, customer_id, subject, message, fired_at, resolved_at, duration_s, acked_at
from analytics.alerts
where true [[and state = {{state}}]] [[and customer_id = {{customer}}]]
order by state = 'firing' desc, fired_at desc
limit 1000
