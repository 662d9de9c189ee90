"""pip installs the package offline from this directory into a fresh venv, and the seed example runs from there."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from .support import PACKAGE_ROOT


def _venv_python(directory):
    subprocess.run([sys.executable, "-m", "venv", directory], check=True, timeout=300,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return os.path.join(directory, "bin", "python")


class InstallTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="brain-py-install-")
        cls.python = _venv_python(os.path.join(cls.tmp, "venv"))
        # A copy, so the build leaves nothing in the checkout.
        cls.source = os.path.join(cls.tmp, "src")
        shutil.copytree(PACKAGE_ROOT, cls.source, ignore=shutil.ignore_patterns("tests", "bench", "target", "__pycache__"))
        r = subprocess.run([cls.python, "-m", "pip", "install", "--no-index", "--disable-pip-version-check", cls.source],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
        cls.pip_output = r.stdout
        cls.pip_status = r.returncode

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_pip_install_no_index_works_and_installs_brain_sdk(self):
        self.assertEqual(0, self.pip_status, self.pip_output)
        out = subprocess.run([self.python, "-c", "import brain, importlib.metadata as m; "
                                                 "print(brain.__file__); print(m.version('brain-sdk'), brain.__version__)"],
                             check=True, stdout=subprocess.PIPE, universal_newlines=True, cwd=self.tmp).stdout.split("\n")
        self.assertTrue(out[0].startswith(os.path.join(self.tmp, "venv")), out)
        self.assertEqual("0.1.0 0.1.0", out[1])

    def test_the_seed_example_runs_from_the_installed_package(self):
        self.assertEqual(0, self.pip_status, self.pip_output)
        from .support import Collector
        from .test_e2e import SEED
        collector = Collector()
        self.addCleanup(collector.close)
        env = {"PATH": os.environ.get("PATH", ""), "BRAIN_API_KEY": "brain_install", "BRAIN_ENDPOINT": collector.endpoint,
               "BRAIN_SPOOL_DIR": os.path.join(self.tmp, "spool")}
        subprocess.run([self.python, "-c", SEED], env=env, check=True, timeout=180, cwd=self.tmp)
        self.assertEqual(["session.start", "session.end", "error"], [e["event_type"] for e in collector.events])

    def test_pip_installs_from_a_git_url_with_the_subdirectory(self):
        repo = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
        if shutil.which("git") is None or not os.path.exists(os.path.join(repo, ".git")):
            self.skipTest("not a git checkout")
        # The committed HEAD of this checkout, as pip would fetch "git+<repo-url>#subdirectory=sdk/python".
        r = subprocess.run([self.python, "-m", "pip", "install", "--no-index", "--disable-pip-version-check",
                            "--force-reinstall", "git+file://%s#subdirectory=sdk/python" % repo],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
        self.assertEqual(0, r.returncode, r.stdout)
        self.assertIn("Successfully installed brain-sdk-0.1.0", r.stdout)

    def test_the_build_metadata_matches_pyproject(self):
        sys.path.insert(0, os.path.join(PACKAGE_ROOT, "_backend"))
        try:
            import brain_build
        finally:
            sys.path.pop(0)
        with open(os.path.join(PACKAGE_ROOT, "pyproject.toml")) as f:
            pyproject = f.read()
        for line in ('name = "%s"' % brain_build.NAME, 'version = "%s"' % brain_build.VERSION,
                     'requires-python = "%s"' % brain_build.REQUIRES_PYTHON, 'description = "%s"' % brain_build.SUMMARY):
            self.assertIn(line, pyproject)
        import brain
        self.assertEqual(brain.__version__, brain_build.VERSION)


if __name__ == "__main__":
    unittest.main()
