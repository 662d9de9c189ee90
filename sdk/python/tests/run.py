"""Runs every Python SDK test and writes a JUnit-style report (target/surefire-reports/TEST-brain-python.xml), so
`make test` counts these tests in its last line with the Maven modules' ones. Exit status 0 only when all passed."""
import os
import sys
import time
import unittest
from xml.sax.saxutils import quoteattr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    started = time.monotonic()
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test*.py"
    suite = unittest.defaultTestLoader.discover(os.path.join(ROOT, "tests"), pattern=pattern, top_level_dir=ROOT)
    print("brain Python SDK tests on %s %s" % (sys.executable, sys.version.split()[0]), flush=True)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # A failing setUpClass is one error that is not among testsRun.
    holders = sum(1 for test, _ in result.errors + result.skipped if not isinstance(test, unittest.TestCase))
    failures = len(result.failures) + len(result.unexpectedSuccesses)
    cases = []
    for kind, entries in (("failure", result.failures), ("error", result.errors)):
        for test, trace in entries:
            cases.append('  <testcase name=%s><%s message="%s">%s</%s></testcase>' % (
                quoteattr(str(test)), kind, kind, trace.replace("&", "&amp;").replace("<", "&lt;"), kind))
    reports = os.path.join(ROOT, "target", "surefire-reports")
    os.makedirs(reports, exist_ok=True)
    with open(os.path.join(reports, "TEST-brain-python.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="brain-python" tests="%d" failures="%d" '
                'errors="%d" skipped="%d" time="%.1f">\n%s\n</testsuite>\n' % (
                    result.testsRun + holders, failures, len(result.errors), len(result.skipped),
                    time.monotonic() - started, "\n".join(cases)))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
