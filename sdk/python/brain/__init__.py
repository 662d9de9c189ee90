"""Brain SDK for Python agents.

    import os, brain
    brain.init(api_key=os.environ["BRAIN_API_KEY"])      # endpoint from BRAIN_ENDPOINT, default http://localhost:8080

    with brain.session(category="email_reply", source="inbox") as s:
        s.tool("read_inbox", duration_ms=150, ok=True)
        s.llm(model="claude-sonnet-4-6", input_tokens=2400, output_tokens=350, cost_cents=2.1)
        s.set_summary("Replied to a billing dispute about an unpaid invoice.")

Nothing here raises into the agent or waits on the network; without an API key every call does nothing.
"""
import functools
import inspect

from ._client import Client, current_session
from ._session import Session, TimedTool
from ._stackhash import stack_hash
from ._transport import Response, Transport

__version__ = "0.1.0"
__all__ = ["init", "session", "session_fn", "track", "flush", "shutdown", "current_session", "get_client",
           "Client", "Session", "TimedTool", "Response", "Transport", "stack_hash"]

_DISABLED = Client(api_key="", environ={}, register_atexit=False)
_client = _DISABLED


def init(api_key=None, endpoint=None, **settings):
    """Configures the process-wide client (keywords override BRAIN_API_KEY, BRAIN_ENDPOINT, BRAIN_SPOOL_DIR,
    BRAIN_AGENT_VERSION); a previous one is shut down first. Returns it; never raises."""
    global _client
    previous = _client
    try:
        _client = Client(api_key=api_key, endpoint=endpoint, **settings)
    except BaseException:
        _client = _DISABLED
    if previous is not _DISABLED and previous is not _client:
        previous.shutdown()
    return _client


def get_client():
    return _client


def session(category=None, source=None):
    """with brain.session(category=..., source=...) as s: (or async with). An exception escaping the block marks the
    session failed and records an error event; it is re-raised unchanged."""
    return _client.session(category, source)


def track(event_type, payload=None, session_id=None, ts=None):
    _client.track(event_type, payload, session_id, ts)


def flush(timeout=2.0):
    return _client.flush(timeout)


def shutdown():
    _client.shutdown()


def session_fn(fn=None, category=None, source=None):
    """Runs each call of the decorated function (sync or async) in its own session; category defaults to the
    function's name. Inside, brain.current_session() is that session."""
    def decorate(f):
        name = category if category is not None else getattr(f, "__name__", None)
        if inspect.iscoroutinefunction(f):
            @functools.wraps(f)
            async def run_async(*args, **kwargs):
                async with _client.session(name, source):
                    return await f(*args, **kwargs)
            return run_async

        @functools.wraps(f)
        def run(*args, **kwargs):
            with _client.session(name, source):
                return f(*args, **kwargs)
        return run

    if fn is not None and callable(fn):
        return decorate(fn)
    if isinstance(fn, str) and category is None:
        category = fn
    return decorate
