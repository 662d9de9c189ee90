-- The request's sessions that exist already, locked in one order (two requests sharing sessions cannot deadlock).
select session_id, generation, closed_at is not null as closed
from sessionizer_sessions
where customer_id = :customer and session_id = any(cast(:sessions as text[]))
order by session_id
for update
