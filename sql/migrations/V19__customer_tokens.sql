-- Read tokens scoped to one customer (`brain admin token create --customer C`): only the SHA-256 of the
-- secret is stored; last_used_at moves at most once per key-cache period per instance.
create table customer_tokens (
  id           text primary key,
  customer_id  text not null references customers(id),
  token_hash   bytea not null unique,
  label        text,
  created_at   timestamptz not null default now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);
create index customer_tokens_customer on customer_tokens (customer_id);
