"""sha256 of an exception's shape: types and frames of the whole chain, messages left out, so one failure groups
together whatever order or id its message names. The trace itself never leaves the process."""
import hashlib
import os


def kind(exc):
    """The exception's type as people write it: TimeoutError, requests.exceptions.Timeout."""
    t = type(exc)
    module = getattr(t, "__module__", None)
    name = getattr(t, "__qualname__", None) or t.__name__
    return name if module in (None, "builtins", "__main__") else module + "." + name


def stack_hash(exc):
    shape = []
    seen = set()
    current = exc
    while current is not None and id(current) not in seen and len(seen) < 100:
        seen.add(id(current))
        shape.append(kind(current))
        tb = current.__traceback__
        frames = 0
        while tb is not None and frames < 1000:
            code = tb.tb_frame.f_code
            shape.append("\tat %s:%s:%d" % (os.path.basename(code.co_filename), code.co_name, tb.tb_lineno))
            tb = tb.tb_next
            frames += 1
        cause = current.__cause__
        if cause is None and not current.__suppress_context__:
            cause = current.__context__
        current = cause
    return "sha256:" + hashlib.sha256("\n".join(shape).encode("utf-8", "replace")).hexdigest()
