"""The default transport: one gzip POST per batch to {endpoint}/v1/events over a kept-alive connection."""
import email.utils
import gzip
import http.client
import os
import time
import urllib.parse

USER_AGENT = "brain-sdk-python/0.1.0"


class Response:
    """What the brain answered; retry_after in seconds, None when it sent none."""
    __slots__ = ("status", "retry_after", "body")

    def __init__(self, status, retry_after=None, body=""):
        self.status = status
        self.retry_after = retry_after
        self.body = body or ""

    def __repr__(self):
        return "Response(%d%s)" % (self.status, "" if self.retry_after is None else ", retry-after %ss" % self.retry_after)


class Transport:
    """The test seam: send(body) gets the uncompressed UTF-8 JSON of a batch, returns a Response; raising = network."""

    def send(self, body):
        raise NotImplementedError


def parse_endpoint(url):
    """(scheme, host, port, base path) of an http(s) URL, or None."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        return parts.scheme.lower(), parts.hostname, parts.port, parts.path.rstrip("/")
    except Exception:
        return None


def retry_after_seconds(value):
    """Retry-After is delay-seconds or an HTTP date; anything else counts as absent."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0, int(value))
    except ValueError:
        pass
    try:
        return max(0, int(email.utils.parsedate_to_datetime(value).timestamp() - time.time()))
    except Exception:
        return None


class HttpTransport(Transport):
    def __init__(self, endpoint, api_key, timeout):
        scheme, self._host, self._port, base = parse_endpoint(endpoint)
        self._https = scheme == "https"
        self._path = base + "/v1/events"
        self._headers = {"Authorization": "Bearer " + api_key, "Content-Type": "application/json",
                         "Content-Encoding": "gzip", "User-Agent": USER_AGENT}
        self._timeout = timeout
        self._conn = None
        self._pid = os.getpid()

    def send(self, body):
        if self._pid != os.getpid():
            # A forked child must never share the parent's socket.
            self._conn, self._pid = None, os.getpid()
        payload = gzip.compress(body, 6)
        reused = self._conn is not None
        try:
            return self._post(payload)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            if not reused:
                raise
            # A kept-alive connection the brain had closed: once more on a fresh one (event ids make it idempotent).
            return self._post(payload)

    def _post(self, payload):
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        conn = self._conn
        try:
            conn.request("POST", self._path, payload, self._headers)
            r = conn.getresponse()
            text = r.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise
        if r.will_close:
            self.close()
        return Response(r.status, retry_after_seconds(r.getheader("Retry-After")), text)

    def close(self):
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass
