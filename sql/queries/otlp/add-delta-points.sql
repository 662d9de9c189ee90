-- Delta points of monotonic sums added to the daily named counters; a point already counted is skipped.
with input as (
  select distinct on (id) id, day, metric, value
  from unnest(cast(:ids as uuid[]), cast(:days as date[]), cast(:metrics as text[]), cast(:values as float8[])) as t(id, day, metric, value)
), fresh as (
  insert into otlp_counted (customer_id, record_id) select :customer, id from input
  on conflict (customer_id, record_id) do nothing
  returning record_id
)
insert into rollup_usage_metric_daily as r (day, customer_id, agent_id, metric, value)
select i.day, :customer, :agent, i.metric, sum(i.value)
from input i join fresh f on f.record_id = i.id
group by i.day, i.metric
on conflict (day, customer_id, agent_id, metric) do update set value = r.value + excluded.value
