"""One unit of an agent's work: opening it emitted session.start; ending it emits session.end with the status,
duration, tool calls, LLM usage and summary gathered here. Every method returns instead of raising."""
import contextvars
import random
import time

from . import _payloads as P
from ._stackhash import kind, stack_hash

CURRENT = contextvars.ContextVar("brain_session", default=None)


def _error_of(exc):
    """(message, kind, stack hash) of an exception; a hostile __str__ costs only the message."""
    k = kind(exc)
    message = P.printable(exc)
    if message.startswith("<unprintable") or not message:
        message = k
    return message, k, stack_hash(exc)


class _AsyncToo:
    """async with works like with: nothing here awaits."""
    __slots__ = ()

    async def __aenter__(self):
        return self.__enter__()

    async def __aexit__(self, exc_type, exc, tb):
        return self.__exit__(exc_type, exc, tb)


class Session(_AsyncToo):
    __slots__ = ("_engine", "id", "_category", "_started", "_tools", "_tools_not_kept", "_usage", "_attributes",
                 "_summary", "_reason", "_status", "_closed", "_tokens")

    def __init__(self, engine, category, source=None):
        self._engine = engine
        # random reseeds itself in a forked child, so parent and child never share ids.
        self.id = "sess_%032x" % random.getrandbits(128)
        self._category = "uncategorized" if category is None else category
        self._started = time.monotonic()
        self._tools = []
        self._tools_not_kept = 0
        self._usage = {}
        self._attributes = None
        self._summary = None
        self._reason = None
        self._status = "success"
        self._closed = engine is None
        self._tokens = []
        if engine is not None:
            engine.enqueue(("session.start", self.id, time.time(), P.session_start(self._category, source)))

    def tool(self, name, duration_ms=0, ok=True):
        """Records one tool call. At most 1,000 are kept per session; the rest are counted."""
        if not self._closed:
            tools = self._tools
            if len(tools) < P.TOOL_CALLS:
                tools.append((name, duration_ms, ok))
            else:
                self._tools_not_kept += 1
        return self

    def timed_tool(self, name):
        """with s.timed_tool("search") as t: ... -- measures the block; ok=False when it raises or t.ok is set False."""
        return TimedTool(self, name)

    def llm(self, model, input_tokens=0, output_tokens=0, cost_cents=0.0, cache_read_tokens=0, cache_creation_tokens=0):
        """Adds LLM usage; calls for the same model are summed into one entry (at most 100 models)."""
        try:
            if self._closed:
                return self
            key = "unknown" if model is None else P.text(model, P.SHORT)
            usage = self._usage.get(key)
            if usage is None:
                if len(self._usage) >= P.MAX_MODELS:
                    return self
                usage = self._usage[key] = P.Usage()
            usage.add(input_tokens, output_tokens, cost_cents, cache_read_tokens, cache_creation_tokens)
        except BaseException:
            pass
        return self

    def llm_response(self, response, cost_cents=0.0):
        """Reads model and usage from an Anthropic- or OpenAI-shaped response (object or dict), by duck typing.
        input_tokens counts uncached input on both: OpenAI's cached prompt tokens go to cache_read."""
        try:
            usage = _get(response, "usage")
            input_tokens = _get(usage, "input_tokens")
            output_tokens = _get(usage, "output_tokens")
            cached = _get(_get(usage, "input_tokens_details"), "cached_tokens")
            if input_tokens is None:
                input_tokens = _get(usage, "prompt_tokens")
                output_tokens = _get(usage, "completion_tokens")
                cached = _get(_get(usage, "prompt_tokens_details"), "cached_tokens")
            cache_read = _get(usage, "cache_read_input_tokens")
            if cache_read is None and cached:
                cache_read = P.clamp(cached, P.TOKENS)
                input_tokens = P.clamp(input_tokens, P.TOKENS) - cache_read
            self.llm(_get(response, "model"), input_tokens or 0, output_tokens or 0, cost_cents, cache_read or 0,
                     _get(usage, "cache_creation_input_tokens") or 0)
        except BaseException:
            pass
        return self

    def set_summary(self, text):
        """A one-line summary of the task; the brain redacts it per the customer's privacy tier."""
        if not self._closed:
            self._summary = text
        return self

    def attribute(self, key, value):
        """An extra field on session.end's payload (the brain keeps unknown fields); at most 64."""
        try:
            if self._closed or not isinstance(key, str) or key in P.RESERVED:
                return self
            if self._attributes is None:
                self._attributes = {}
            if len(self._attributes) < P.MAX_ATTRIBUTES or key in self._attributes:
                self._attributes[key] = value
        except BaseException:
            pass
        return self

    def fail(self, reason=None):
        """Marks the session failed; given an exception, also records an error event (kind, message, stack hash)."""
        try:
            if self._closed:
                return self
            if isinstance(reason, BaseException):
                message, k, digest = _error_of(reason)
                self._status, self._reason = "failed", k + ": " + message
                self._engine.enqueue(("error", self.id, time.time(), P.error(message, k, digest)))
            else:
                self._status, self._reason = "failed", reason
        except BaseException:
            pass
        return self

    def escalate(self, reason=None):
        """Marks the session escalated to a human, unless it already failed."""
        if not self._closed and self._status != "failed":
            self._status, self._reason = "escalated", reason
        return self

    def end(self):
        """Emits session.end. Only the first call counts."""
        try:
            if self._closed:
                return
            self._closed = True
            tools, self._tools = self._tools, []
            millis = (time.monotonic() - self._started) * 1000
            self._engine.enqueue(("session.end", self.id, time.time(), P.session_end(
                self._status, self._category, millis, tools, self._tools_not_kept, self._usage, self._summary,
                self._reason, self._attributes)))
        except BaseException:
            pass

    close = end

    def __enter__(self):
        try:
            self._tokens.append(CURRENT.set(self))
        except BaseException:
            pass
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc is not None:
                self.fail(exc)
            self.end()
            if self._tokens:
                CURRENT.reset(self._tokens.pop())
        except BaseException:
            pass
        return False

    def __repr__(self):
        return "<brain.Session %s %s>" % (self.id, self._status)


class TimedTool(_AsyncToo):
    """A tool call measured around a block; set .ok = False to record a failure that did not raise."""
    __slots__ = ("_session", "name", "ok", "duration_ms", "_started")

    def __init__(self, session, name):
        self._session = session
        self.name = name
        self.ok = True
        self.duration_ms = 0
        self._started = time.monotonic()

    def __enter__(self):
        self._started = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.duration_ms = int((time.monotonic() - self._started) * 1000)
            self._session.tool(self.name, self.duration_ms, bool(self.ok) and exc is None)
        except BaseException:
            pass
        return False


def _get(obj, name):
    if obj is None:
        return None
    try:
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    except BaseException:
        return None
