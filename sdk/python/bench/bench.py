"""make bench-sdk: both SDKs side by side, measured in the same run on the same machine and the same brain.

1. microseconds per s.tool(...) and brain.track(...) on the caller's thread (CPython; the Java SDK's ns/call),
2. resident memory every 5 s while recording RATE events/s into a dead endpoint for SECONDS (each SDK in a process
   of its own, RSS read from /proc),
3. events/s end to end into a local brain (started here on the test PostgreSQL, or BRAIN_BENCH_ENDPOINT/_KEY).
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ROOT))
sys.path.insert(0, ROOT)

import brain  # noqa: E402


def rss_mib(pid="self"):
    try:
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def micro(calls=200000, rounds=5):
    """Median over rounds of one call's cost, timed around loops of 1,000 (tool: one session per 1,000), both as the
    caller thread's own CPU time (what the call costs) and as wall time (plus waiting for the GIL while the SDK's
    threads serialize and spool, and for a core on a loaded machine)."""
    spool = tempfile.mkdtemp(prefix="brain-bench-")
    c = brain.init(api_key="bench", transport=lambda body: brain.Response(202), spool_dir=spool, heartbeat_interval=0,
                   buffer_capacity=100000)
    results = {"tool": ([], []), "track": ([], []), "pair": ([], [])}

    def timed(name, body, n):
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        body()
        results[name][0].append((time.thread_time() - cpu0) / n * 1e6)
        results[name][1].append((time.perf_counter() - wall0) / n * 1e6)

    def tools(s):
        for i in range(1000):
            s.tool("search_kb", duration_ms=i, ok=True)

    def tracks():
        for i in range(1000):
            brain.track("error", {"message": "m", "kind": "TimeoutError"})

    def pairs():
        for i in range(1000):
            with brain.session("bench", source="b"):
                pass
    for _ in range(rounds):
        for _ in range(calls // 1000):
            s = brain.session("bench")
            timed("tool", lambda: tools(s), 1000)
            s.end()
            timed("track", tracks, 1000)
        for _ in range(20):
            timed("pair", pairs, 1000)
        c.flush(60)
    brain.shutdown()
    return {k: (statistics.median(cpu), statistics.median(wall)) for k, (cpu, wall) in results.items()}


def dead_child(seconds, rate):
    """In a process of its own: RATE events/s into a dead endpoint; prints RSS every 5 s."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    brain.init(api_key="bench", endpoint="http://127.0.0.1:%d" % port, spool_dir=tempfile.mkdtemp(prefix="brain-dead-"),
               flush_interval=1, heartbeat_interval=5, shutdown_timeout=0)
    per_tick = rate // 50
    start = time.monotonic()
    next_sample, samples, recorded = start, [], 0
    tick = start
    while time.monotonic() - start < seconds:
        for _ in range(per_tick):
            brain.track("session.start", {"category": "bench", "source": "dead"}, session_id="sess_dead")
        recorded += per_tick
        tick += 0.02
        delay = tick - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if time.monotonic() >= next_sample:
            samples.append(rss_mib())
            next_sample += 5
    achieved = recorded / (time.monotonic() - start)
    print("DEAD %d %.0f %s" % (recorded, achieved, " ".join("%.1f" % m for m in samples)), flush=True)
    brain.shutdown()


def dead_python(seconds, rate):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--dead-child", str(seconds), str(rate)],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    recorded, achieved, *samples = out.split("DEAD ", 1)[1].split()
    return int(recorded), float(achieved), [float(s) for s in samples]


def throughput(endpoint, key, events=100000):
    spool = tempfile.mkdtemp(prefix="brain-live-")
    c = brain.Client(api_key=key, endpoint=endpoint, spool_dir=spool, buffer_capacity=events, batch_size=500,
                     heartbeat_interval=0, register_atexit=False)
    payload = {"category": "bench", "source": "throughput"}
    start = time.monotonic()
    for i in range(events):
        c.track("session.start", payload, session_id="sess_py_tp_%d" % (i % 1000))
    delivered = c.flush(300)
    seconds = time.monotonic() - start
    c.shutdown()
    return events, seconds, delivered


def java(seconds, rate, endpoint, key):
    """The Java SDK's own bench (SdkBench) with the same dead-endpoint load; its RSS sampled from outside every 5 s
    while it records into the dead endpoint (after its micro rounds report, until its dead-endpoint line)."""
    import threading
    classes = os.path.join(REPO, "sdk", "java", "target")
    cp = os.path.join(classes, "classes") + os.pathsep + os.path.join(classes, "test-classes")
    env = dict(os.environ, BRAIN_BENCH_ENDPOINT=endpoint, BRAIN_BENCH_KEY=key) if endpoint else dict(os.environ)
    p = subprocess.Popen(["java", "-cp", cp, "dev.brain.sdk.bench.SdkBench", str(seconds), str(rate)], env=env,
                         stdout=subprocess.PIPE, universal_newlines=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(p.stdout.readline, "")), daemon=True)
    reader.start()
    samples = []
    while p.poll() is None:
        text = "".join(lines)
        if "close(): " in text and "dead brain" not in text:
            samples.append(rss_mib(p.pid))
        time.sleep(5)
    reader.join(60)
    return "".join(lines), samples


def local_brain():
    endpoint, key = os.environ.get("BRAIN_BENCH_ENDPOINT"), os.environ.get("BRAIN_BENCH_KEY")
    if endpoint and key:
        return endpoint, key, None
    try:
        from tests.realbrain import RealBrain
        real = RealBrain().start()
        return real.endpoint, real.api_key, real
    except BaseException as e:
        print("no local brain (%s): throughput not measured" % e)
        return None, None, None


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rate = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    print("load average before: %s" % " ".join(open("/proc/loadavg").read().split()[:3]), flush=True)
    m = micro()
    print("python (caller CPU / wall, us): s.tool(...) %.2f / %.2f; brain.track(...) %.2f / %.2f; "
          "with session(): %.2f / %.2f" % (m["tool"] + m["track"] + m["pair"]), flush=True)
    recorded, achieved, py_rss = dead_python(seconds, rate)
    print("python dead endpoint %d s, %d events (%.0f/s): RSS MiB every 5 s: %s"
          % (seconds, recorded, achieved, " ".join("%.1f" % m for m in py_rss)), flush=True)
    endpoint, key, real = local_brain()
    try:
        py_tp = throughput(endpoint, key) if endpoint else None
        if py_tp:
            print("python throughput: %d events in %.2f s = %.0f events/s (delivered: %s)"
                  % (py_tp[0], py_tp[1], py_tp[0] / py_tp[1], py_tp[2]), flush=True)
        java_out, java_rss = java(seconds, rate, endpoint, key)
    finally:
        if real is not None:
            real.close()
    print(java_out.strip())
    load = " ".join(open("/proc/loadavg").read().split()[:3])

    def find(pattern, default="n/a"):
        m = re.search(pattern, java_out)
        return m.group(1) if m else default
    java_tool = find(r"session\.tool\(\.\.\.\): ([\d.]+) ns")
    java_track = find(r"track\(type, sessionId, payload\): ([\d.]+) ns")
    java_tp = find(r"= (\d+) events/s")
    # The Java bench's first seconds are its micro rounds; the dead-endpoint phase is the rest.
    print()
    print("| measure | Python SDK (CPython %s) | Java SDK (JDK 17) |" % sys.version.split()[0])
    print("|---|---|---|")
    print("| s.tool(...) / session.tool(...) on the caller's thread (CPU; wall) | %.2f µs; %.2f µs | %s ns |"
          % (m["tool"] + (java_tool,)))
    print("| brain.track(...) / track(...) on the caller's thread (CPU; wall) | %.2f µs; %.2f µs | %s ns |"
          % (m["track"] + (java_track,)))
    print("| a whole session (start + end) on the caller's thread (CPU; wall) | %.2f µs; %.2f µs | %s ns |"
          % (m["pair"] + (find(r"session\(\.\.\.\) \+ close\(\): ([\d.]+) ns"),)))
    print("| RSS while recording %d events/s into a dead endpoint for %d s (every 5 s) | %s MiB | %s MiB |" % (
        rate, seconds, " ".join("%.0f" % m for m in py_rss), " ".join("%.0f" % m for m in java_rss)))
    print("| events/s end to end into a local brain (100,000 session.start, batches of 500) | %s | %s |" % (
        "%.0f" % (py_tp[0] / py_tp[1]) if py_tp else "n/a", java_tp))
    print("load average after: %s (2 cores, shared with other work)" % load)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--dead-child":
        dead_child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
