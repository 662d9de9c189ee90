-- Which of these sessions the sessionizer holds: a request carrying only senders' session.ends asks this once, without
-- a transaction, and goes no further when none is held (the usual case: those sessions had their own session.start).
select count(*) from sessionizer_sessions
where customer_id = :customer and session_id = any(cast(:sessions as text[]))
