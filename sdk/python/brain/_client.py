"""Configuration and the client: settings validated as given (a bad value is logged and the default kept), and the
recording calls, each of which returns instead of raising."""
import atexit
import hashlib
import os
import tempfile
import time

from . import _engine
from ._log import Log
from ._session import CURRENT, Session
from ._transport import HttpTransport, parse_endpoint

DEFAULT_ENDPOINT = "http://localhost:8080"
_ATEXIT = []


class Settings:
    """Every setting with the Java SDK's default and bounds: (default, check, what the check wants)."""
    RULES = {
        "spool_max_bytes": (16 * 1024 * 1024, lambda v: v >= 0, ">= 0 (0 keeps the backlog in memory only)"),
        "buffer_capacity": (10000, lambda v: v >= 1, ">= 1"),
        "batch_size": (100, lambda v: 1 <= v <= 500, "between 1 and 500"),
        "flush_interval": (5.0, lambda v: v >= 0.01, "at least 0.01 s"),
        "heartbeat_interval": (300.0, lambda v: v == 0 or v >= 0.01, "0 (off) or at least 0.01 s"),
        "shutdown_timeout": (2.0, lambda v: v >= 0, ">= 0"),
        "request_timeout": (10.0, lambda v: v >= 0.001, "positive"),
        "max_retry_backoff": (300.0, lambda v: v >= 1, "at least 1 s"),
    }

    def __init__(self, values, log):
        for name, (default, ok, wanted) in self.RULES.items():
            value = values.get(name)
            if value is None:
                value = default
            else:
                try:
                    if isinstance(value, bool) or not ok(value):
                        raise ValueError
                    value = type(default)(value)
                except Exception:
                    log.warning("brain SDK setting ignored: %s must be %s, was %s" % (name, wanted, _repr(value)))
                    value = default
            setattr(self, name, value)


class Client:
    """One per process, shared by every thread. Without an API key it is disabled: every call does nothing."""

    def __init__(self, api_key=None, endpoint=None, spool_dir=None, agent_version=None, logger=None, transport=None,
                 register_atexit=True, environ=None, **settings):
        self._engine = None
        self._log = Log(logger)
        try:
            env = os.environ if environ is None else environ
            for unknown in set(settings) - set(Settings.RULES):
                self._log.warning("brain SDK setting ignored: unknown setting %s" % unknown)
            s = Settings(settings, self._log)
            key = _first(api_key, env.get("BRAIN_API_KEY"))
            if key is None:
                self._log.info("BRAIN_API_KEY is not set: the brain SDK records nothing")
                return
            url = _first(endpoint, env.get("BRAIN_ENDPOINT"), DEFAULT_ENDPOINT)
            if parse_endpoint(url) is None and transport is None:
                self._log.error("BRAIN_ENDPOINT is not an http(s) URL: %r; the brain SDK records nothing" % url)
                return
            s.transport = transport if transport is not None else HttpTransport(url, key, s.request_timeout)
            base = _first(spool_dir, env.get("BRAIN_SPOOL_DIR")) or os.path.join(tempfile.gettempdir(), "brain-sdk")
            # One spool per endpoint and key (the Java SDK's name): events only ever go with the key they were recorded under.
            name = hashlib.sha256((url + "\n" + key).encode("utf-8")).hexdigest()[:16]
            s.spool_dir = None if s.spool_max_bytes == 0 else os.path.join(str(base), name)
            s.agent_version = _first(agent_version, env.get("BRAIN_AGENT_VERSION"), "unknown")
            s.register_atexit = bool(register_atexit)
            engine = _engine.Engine(s, self._log)
            engine.start()
            self._engine = engine
            if register_atexit and not _ATEXIT:
                _ATEXIT.append(True)
                atexit.register(_engine.close_all)
        except BaseException as e:
            self._log.error("the brain SDK could not start; it records nothing", e)
            self._engine = None

    @property
    def enabled(self):
        return self._engine is not None

    @property
    def instance_id(self):
        return None if self._engine is None else self._engine.instance_id

    def session(self, category=None, source=None):
        """Opens a session (emits session.start now, session.end when the with/async with block ends or on end())."""
        try:
            return Session(self._engine, category, source)
        except BaseException:
            return Session(None, category)

    def track(self, event_type, payload=None, session_id=None, ts=None):
        """Records a raw event (SPEC 4.1 types). The payload dict is copied shallowly now; nested values are read
        later on the SDK's thread. session_id defaults to the SDK instance id, ts (datetime or epoch seconds) to now."""
        engine = self._engine
        if engine is None or event_type is None:
            return
        try:
            engine.enqueue((event_type, engine.instance_id if session_id is None else session_id,
                            time.time() if ts is None else ts, {} if payload is None else dict(payload)))
        except BaseException:
            pass

    def flush(self, timeout=2.0):
        """Spools everything recorded so far, then waits at most timeout seconds for it to reach the brain.
        True when nothing is left to send; what is left stays spooled for later or for the next process."""
        engine = self._engine
        if engine is None:
            return True
        try:
            timeout = min(max(0.0, float(timeout)), 365 * 86400.0)
        except BaseException:
            timeout = 0.0
        try:
            return engine.flush(timeout)
        except BaseException:
            return False

    def shutdown(self):
        """Flushes for at most the shutdown timeout (2 s by default), then spools the rest and stops. Idempotent."""
        engine = self._engine
        if engine is None:
            return
        try:
            engine.close()
        except BaseException:
            pass


def current_session():
    """The session of the innermost enclosing with/async with block (or session_fn call), or None."""
    return CURRENT.get()


def _first(*values):
    for v in values:
        if v is not None:
            try:
                v = str(v).strip()
            except Exception:
                continue
            if v:
                return v
    return None


def _repr(value):
    try:
        return repr(value)[:100]
    except Exception:
        return "?"
