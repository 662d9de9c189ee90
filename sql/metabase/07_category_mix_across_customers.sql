-- 5b. Category mix across customers: how many customers use each canonical category, and how much.
-- Metabase variables: days (Number, required, default 30).
select category, customers, sessions
from analytics.categories_across({{days}})
order by customers desc, sessions desc
