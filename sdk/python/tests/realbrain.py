"""A real brain (target/brain.jar) as a child process on a real PostgreSQL, as the Java SDK's end-to-end tests run it:
a database of this run's own next to BRAIN_SDK_TEST_DATABASE_URL's (or the project-local PostgreSQL's brain_sdk_test),
dropped when the run ends; each RealBrain provisions its own customer, agent and key, and reads rows back with psql."""
import atexit
import os
import random
import shutil
import socket
import subprocess
import time
import unittest
import urllib.request
import uuid

from .support import PACKAGE_ROOT

REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
JAR = os.environ.get("BRAIN_JAR") or os.path.join(REPO, "target", "brain.jar")
LOGS = os.path.join(PACKAGE_ROOT, "target")
_DATABASE = []


def jar_or_skip():
    if not os.path.isfile(JAR) or shutil.which("java") is None or shutil.which("psql") is None:
        if os.environ.get("CI"):
            raise AssertionError("the end-to-end tests need %s, java and psql (build the server first: make build)" % JAR)
        raise unittest.SkipTest("no %s (or no java/psql): end-to-end tests skipped" % JAR)
    return JAR


def _named_url():
    for var in ("BRAIN_PY_TEST_DATABASE_URL", "BRAIN_SDK_TEST_DATABASE_URL"):
        if os.environ.get(var, "").strip():
            return os.environ[var].strip()
    out = subprocess.run([os.path.join(REPO, "scripts", "pg-local.sh"), "brain_sdk_test"], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True, timeout=300).stdout
    return out.strip().splitlines()[-1].strip()


def _psql(libpq_url, sql):
    return subprocess.run(["psql", libpq_url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-F", "\x1f", "-c", sql],
                          check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120).stdout


def database():
    """(jdbc URL, libpq URL) of this run's own database, created on first use and dropped at exit."""
    if not _DATABASE:
        named = _named_url()
        libpq_named = named[len("jdbc:"):] if named.startswith("jdbc:") else named
        name = "brain_pye2e_" + uuid.uuid4().hex[:12]
        _psql(libpq_named, "create database " + name)
        atexit.register(lambda: subprocess.run(["psql", libpq_named, "-X", "-q", "-c",
                                                "drop database if exists %s with (force)" % name],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120))
        head, _, query = named.partition("?")
        own = head[:head.rindex("/") + 1] + name + ("?" + query if query else "")
        _DATABASE.append((own, own[len("jdbc:"):] if own.startswith("jdbc:") else own))
        _cli("migrate")
    return _DATABASE[0]


def _cli(*args):
    env = dict(os.environ, DATABASE_URL=database()[0], BRAIN_LOG_LEVEL="warn")
    r = subprocess.run(["java", "-jar", jar_or_skip()] + list(args), env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=180)
    if r.returncode != 0:
        raise AssertionError("brain %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout


def _free_port():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            below = int(f.read().split()[0])
    except (OSError, ValueError):
        below = 32768
    # Below the ephemeral range: the SDK's own outgoing connections could otherwise take the port of a stopped brain.
    for _ in range(100):
        port = random.randint(20000, below - 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise AssertionError("no free port")


def agent():
    """(agent id, API key) of the run's one tier-b agent, provisioned on first use."""
    if len(_DATABASE) < 2:
        jar_or_skip()
        database()
        suffix = uuid.uuid4().hex[:8]
        customer, agent_id = "cust_py_" + suffix, "agent_py_" + suffix
        _cli("admin", "customer", "add", "--id", customer, "--name", "py test " + suffix, "--tier", "b")
        _cli("admin", "agent", "add", "--id", agent_id, "--customer", customer)
        _DATABASE.append((agent_id, _cli("admin", "key", "create", "--agent", agent_id).strip()))
    return _DATABASE[1]


class RealBrain:
    """A brain process on a port of its own, serving the run's database; rows() shows only what arrived since it
    was made, so tests share one agent (provisioning costs three JVM starts) and still see only their own events."""

    def __init__(self, extra_env=None):
        self.agent_id, self.api_key = agent()
        self.port = _free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.extra_env = extra_env or {}
        self.process = None
        self.mark = int(_psql(database()[1], "select coalesce(max(id), 0) from events").strip())

    def start(self):
        os.makedirs(LOGS, exist_ok=True)
        env = dict(os.environ, DATABASE_URL=database()[0], BRAIN_PORT=str(self.port), BRAIN_LOG_LEVEL="warn",
                   **self.extra_env)
        log = open(os.path.join(LOGS, "py-brain-%d.log" % self.port), "ab")
        self.process = subprocess.Popen(["java", "-jar", JAR, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("the brain exited with %s; see %s" % (self.process.returncode, LOGS))
            try:
                with urllib.request.urlopen(self.endpoint + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the brain did not become ready within 120 s")

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(120)
            self.process = None

    def rows(self):
        """[(event_id, event_type, session_id, payload text, ts)] of the agent since this was made, in ts order."""
        out = _psql(database()[1], "select event_id::text, event_type, session_id, payload::text, ts from events "
                                   "where agent_id = '%s' and id > %d order by ts, id" % (self.agent_id, self.mark))
        return [tuple(line.split("\x1f")) for line in out.splitlines() if line]

    def close(self):
        self.kill()
