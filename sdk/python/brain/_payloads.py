"""The brain's limits (SPEC 4.2) and the JSON the SDK writes: every value made safe and bounded on the SDK's thread."""
import datetime
import enum
import json
import math

SHORT = 128
MESSAGE = 2000
SUMMARY = 4000
TOOL_CALLS = 1000
MAX_MODELS = 100
MAX_ATTRIBUTES = 64
BATCH_EVENTS = 500
# Payload cap is 32 KiB; keep a margin for the brain's own re-encoding.
PAYLOAD_BYTES = 31 * 1024
# Body cap is 1 MiB on the wire; an uncompressed batch this size gzips well below it.
BATCH_BYTES = 900 * 1024
DURATION_MS = 366 * 24 * 3600 * 1000
TOKENS = 10 ** 12
COST_CENTS = 1e9
UPTIME_S = 10 ** 9
DROPPED = 10 ** 12
FIELD_CAPS = {"category": SHORT, "source": SHORT, "kind": SHORT, "model": SHORT, "agent_version": SHORT,
              "status": SHORT, "message": MESSAGE, "failure_reason": MESSAGE, "summary_raw": SUMMARY}
RESERVED = frozenset(("status", "category", "duration_ms", "tool_calls", "tool_calls_dropped", "llm_usage",
                      "summary_raw", "failure_reason"))
KEY_CHARS = 256
MAX_DEPTH = 16
# (longest string, most items per list or object, most values in one payload): level 0, then level 1.
NORMAL = (32 * 1024, 1000, 50000)
TIGHT = (1024, 100, 5000)

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False).encode


def text(value, cap):
    """value as a str of at most cap code points; NUL and lone surrogates become U+FFFD (jsonb and UTF-8 refuse them)."""
    if type(value) is not str:
        value = printable(value)
    if len(value) > cap:
        value = value[:cap]
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


def printable(value):
    """str(value), or a placeholder when its __str__ raises or returns something else."""
    try:
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        s = str(value)
        if type(s) is str:
            return s
    except Exception:
        pass
    try:
        return "<unprintable %s>" % type(value).__name__
    except Exception:
        return "<unprintable>"


def clamp(value, upper):
    """An int within 0..upper: the brain refuses a negative or larger number, and with it the whole event."""
    try:
        if isinstance(value, float):
            if math.isnan(value):
                return 0
            value = upper if value > upper else int(value)
        else:
            value = int(value)
    except Exception:
        return 0
    return 0 if value < 0 else upper if value > upper else value


def number(value):
    """A JSON number: whole floats as ints (as the Java SDK writes them), NaN and infinities as null."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    try:
        f = float(value)
    except Exception:
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return int(f) if f.is_integer() and abs(f) < 1e15 else f


def cents(value):
    f = number(value)
    if not isinstance(f, (int, float)) or isinstance(f, bool) or f <= 0:
        return 0
    return min(COST_CENTS, f)


class _Budget:
    __slots__ = ("left",)

    def __init__(self, n):
        self.left = n


def safe(value, caps, depth=0, budget=None):
    """Any value a caller may hand us as plain JSON data within caps: (max string, max items, max values)."""
    if budget is None:
        budget = _Budget(caps[2])
    budget.left -= 1
    if value is None or depth > MAX_DEPTH or budget.left < 0:
        return None
    t = type(value)
    if t is str:
        return text(value, caps[0])
    if t is bool:
        return value
    if t is int or t is float:
        return number(value)
    try:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if len(out) >= caps[1]:
                    break
                out[text(k, KEY_CHARS)] = safe(v, caps, depth + 1, budget)
            return out
        if isinstance(value, (list, tuple, set, frozenset)):
            out = []
            for v in value:
                if len(out) >= caps[1]:
                    break
                out.append(safe(v, caps, depth + 1, budget))
            return out
        if isinstance(value, enum.Enum):
            return text(value.name, caps[0])
        if isinstance(value, (bool, int, float)) or type(value).__name__ == "Decimal":
            return number(value)
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return value.isoformat()
    except Exception:
        pass
    return text(printable(value), caps[0])


def encode(data):
    """Compact UTF-8 JSON of data already made safe."""
    return _ENCODE(data).encode("utf-8")


def sized(build):
    """The UTF-8 JSON of the first level build(level) makes that fits the payload cap; None when none does."""
    level = 0
    while True:
        data = build(level)
        if data is None:
            return None
        raw = encode(data)
        if len(raw) <= PAYLOAD_BYTES:
            return raw
        level += 1


def fields(payload, level):
    """A caller's payload (track): well-known fields capped to the brain's limits; level 1 tighter; None past that."""
    if level > 1:
        return None
    caps = NORMAL if level == 0 else TIGHT
    budget = _Budget(caps[2])
    out = {}
    for k, v in payload.items():
        key = text(k, KEY_CHARS)
        cap = FIELD_CAPS.get(key)
        if cap is not None and isinstance(v, str):
            out[key] = text(v, cap)
        elif key == "tool_calls" and isinstance(v, (list, tuple)):
            out[key] = [_tool_call(c, caps, budget) for c in v[:min(TOOL_CALLS, caps[1])]]
        else:
            out[key] = safe(v, caps, 1, budget)
    return out


def _tool_call(call, caps, budget):
    if not isinstance(call, dict):
        return safe(call, caps, 2, budget)
    return {text(k, KEY_CHARS): text(v, SHORT) if k == "name" and isinstance(v, str) else safe(v, caps, 3, budget)
            for k, v in call.items()}


def session_start(category, source):
    def build(level):
        if level > 0:
            return None
        out = {"category": text(category, SHORT)}
        if source is not None:
            out["source"] = text(source, SHORT)
        return out
    return build


def error(message, kind, stack_hash):
    def build(level):
        if level > 0:
            return None
        return {"message": text(message, MESSAGE), "kind": text(kind, SHORT), "stack_hash": text(stack_hash, SHORT)}
    return build


def heartbeat(agent_version, uptime_s, dropped):
    def build(level):
        if level > 0:
            return None
        return {"agent_version": text(agent_version, SHORT), "pid_uptime_s": clamp(uptime_s, UPTIME_S),
                "dropped_events_since_last": clamp(dropped, DROPPED)}
    return build


def session_end(status, category, duration_ms, tools, tools_not_kept, usage, summary, reason, attributes):
    """session.end; when too big, later levels keep fewer tool calls (and say how many went), then no attributes."""
    def build(level):
        if level > 11:
            return None
        calls = tools[:min(TOOL_CALLS >> level, TOOL_CALLS)]
        out = {"status": status, "category": text(category, SHORT), "duration_ms": clamp(duration_ms, DURATION_MS),
               "tool_calls": [{"name": text(n, SHORT), "ms": clamp(ms, DURATION_MS), "ok": _truth(ok)}
                              for n, ms, ok in calls]}
        not_kept = tools_not_kept + len(tools) - len(calls)
        if not_kept > 0:
            out["tool_calls_dropped"] = not_kept
        out["llm_usage"] = [u.as_json(model) for model, u in usage.items()]
        if summary is not None:
            out["summary_raw"] = text(summary, SUMMARY)
        if reason is not None:
            out["failure_reason"] = text(reason, MESSAGE)
        if attributes and level < 2:
            caps = NORMAL if level == 0 else TIGHT
            budget = _Budget(caps[2])
            for k, v in attributes.items():
                out[text(k, KEY_CHARS)] = safe(v, caps, 1, budget)
        return out
    return build


def _truth(ok):
    try:
        return bool(ok)
    except Exception:
        return False


class Usage:
    """Summed usage of one model within a session; saturating, so hostile numbers cannot overflow the brain's bounds."""
    __slots__ = ("input_tokens", "output_tokens", "cache_read", "cache_creation", "cost_cents")

    def __init__(self):
        self.input_tokens = self.output_tokens = self.cache_read = self.cache_creation = 0
        self.cost_cents = 0

    def add(self, input_tokens, output_tokens, cost_cents, cache_read=0, cache_creation=0):
        self.input_tokens = min(TOKENS, self.input_tokens + clamp(input_tokens, TOKENS))
        self.output_tokens = min(TOKENS, self.output_tokens + clamp(output_tokens, TOKENS))
        self.cache_read = min(TOKENS, self.cache_read + clamp(cache_read, TOKENS))
        self.cache_creation = min(TOKENS, self.cache_creation + clamp(cache_creation, TOKENS))
        self.cost_cents = min(COST_CENTS, self.cost_cents + cents(cost_cents))

    def as_json(self, model):
        out = {"model": text(model, SHORT), "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
               "cost_cents": number(self.cost_cents)}
        # Same names as the Claude Code hook's; only when there were any, so plain usage stays the design's shape.
        if self.cache_read:
            out["cache_read_input_tokens"] = self.cache_read
        if self.cache_creation:
            out["cache_creation_input_tokens"] = self.cache_creation
        return out
