-- How many of the transactions :xids (from open-transactions.sql) are still open.
select count(*) from pg_stat_activity
where datname = current_database() and backend_xid::text = any(:xids)
