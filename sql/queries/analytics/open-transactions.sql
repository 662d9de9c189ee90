-- Transactions holding an id in this database now, other than the caller's.
select backend_xid::text from pg_stat_activity
where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()
