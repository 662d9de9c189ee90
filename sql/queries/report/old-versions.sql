-- Agents whose version is behind the newest one reported by agents of the same kind (numeric parts compared).
with v as (
  select a.id as agent_id, a.customer_id, coalesce(a.kind, '') as kind, a.version,
         (select array_agg(cast(left(p, 18) as numeric) order by n)
          from unnest(regexp_split_to_array(a.version, '[^0-9]+')) with ordinality as x(p, n) where p <> '') as parts
  from agents a
  where a.version is not null),
newest as (
  select distinct on (kind) kind, version as newest from v where parts is not null order by kind, parts desc, version)
select v.agent_id, v.customer_id, nullif(v.kind, '') as kind, v.version, n.newest
from v join newest n on n.kind = v.kind
where v.parts < (select parts from v v2 where v2.kind = n.kind and v2.version = n.newest limit 1)
  and (cast(:customer as text) is null or v.customer_id = :customer)
order by v.customer_id, v.agent_id
