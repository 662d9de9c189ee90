"""Where the SDK reports its own trouble: silent by default; a logging.Logger or a callable(level, message, exc)."""
import logging

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class Log:
    __slots__ = ("_sink",)

    def __init__(self, sink=None):
        self._sink = sink

    def debug(self, message, exc=None):
        self._emit("debug", message, exc)

    def info(self, message, exc=None):
        self._emit("info", message, exc)

    def warning(self, message, exc=None):
        self._emit("warning", message, exc)

    def error(self, message, exc=None):
        self._emit("error", message, exc)

    def _emit(self, level, message, exc):
        sink = self._sink
        if sink is None:
            return
        try:
            if isinstance(sink, logging.Logger):
                sink.log(_LEVELS[level], "%s", message, exc_info=exc)
            else:
                sink(level, message, exc)
        except BaseException:
            # A logger that raises must not take the SDK (or the agent) down with it.
            pass
