-- Records without a model of their own, counted by signal and name per day; an id already counted is skipped.
with input as (
  select distinct on (id) id, day, signal, name
  from unnest(cast(:ids as uuid[]), cast(:days as date[]), cast(:signals as text[]), cast(:names as text[])) as t(id, day, signal, name)
), fresh as (
  insert into otlp_counted (customer_id, record_id) select :customer, id from input
  on conflict (customer_id, record_id) do nothing
  returning record_id
)
insert into otlp_records_daily as r (day, customer_id, agent_id, signal, name, records)
select i.day, :customer, :agent, i.signal, i.name, count(*)
from input i join fresh f on f.record_id = i.id
group by i.day, i.signal, i.name
on conflict (day, customer_id, agent_id, signal, name) do update set records = r.records + excluded.records
