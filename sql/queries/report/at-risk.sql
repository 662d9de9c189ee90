-- Customers whose health is below 50 now, riskiest first.
select h.customer_id, h.score, h.reason
from analytics.health(30, :customer) h
where h.score < 50
order by h.score, h.customer_id
