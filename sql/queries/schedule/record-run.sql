-- One finished run of a job, and runs older than a week go.
with expired as (delete from job_runs where started_at < now() - interval '7 days')
insert into job_runs (job, instance, started_at, finished_at) values (:job, :instance, :started, clock_timestamp())
