-- 10. Models: per customer and model, calls, tokens, cost, unpriced calls, error rate and latency p50/p90/p99.
-- Metabase variables: days (Number, required, default 30), customer (Text, optional). The latency objectives of
-- BRAIN_SLO_MODEL_P90_MS live in the brain's environment: here, pass them as JSON in the third argument if wanted.
select customer_id, model, calls, errors, error_rate, input_tokens, output_tokens, cache_read_tokens,
       cache_creation_tokens, cost_cents, unpriced_calls, p50_ms, p90_ms, p99_ms
from analytics.models({{days}})
where true [[and customer_id = {{customer}}]]
order by cost_cents desc
