-- Read-only access for Metabase and other readers: the brain_reader role sees the analytics schema
-- only. Raw summaries never reach it: its events view drops payload->'summary_raw', and it holds no
-- grant on the base tables. Its password is set by the server from BRAIN_READER_PASSWORD.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'brain_reader') then
    create role brain_reader nologin;
  end if;
exception when insufficient_privilege then
  raise notice 'cannot create role brain_reader (no CREATEROLE); ask an administrator to create it';
end $$;

create schema if not exists analytics;

create view analytics.customers as
  select id, name, privacy_tier, created_at from customers;

create view analytics.agents as
  select id, customer_id, kind, version, last_seen_at, created_at from agents;

create view analytics.events as
  select id, ts, ingested_at, customer_id, agent_id, event_type, session_id, event_id,
         payload - 'summary_raw' as payload, summary_redacted
  from events;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'brain_reader') then
    execute format('grant connect on database %I to brain_reader', current_database());
    revoke all on all tables in schema public from brain_reader;
    grant usage on schema analytics to brain_reader;
    grant select on all tables in schema analytics to brain_reader;
    alter default privileges in schema analytics grant select on tables to brain_reader;
  end if;
end $$;
