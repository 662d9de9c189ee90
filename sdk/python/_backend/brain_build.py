"""A PEP 517 build backend in the standard library alone, so `pip install --no-index` needs nothing from an index.

It builds the one pure-Python package `brain` into a wheel (and an sdist, and a PEP 660 editable wheel);
its metadata mirrors pyproject.toml's [project] table, which a test keeps equal.
"""
import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = "brain-sdk"
VERSION = "0.1.0"
SUMMARY = "Brain SDK for Python agents: sessions, tool calls and LLM usage, spool-first delivery, never raises"
REQUIRES_PYTHON = ">=3.8"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = NAME.replace("-", "_")
TAG = "py3-none-any"
SDIST_FILES = ("pyproject.toml", "README.md", "_backend/brain_build.py")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: %s\n"
            "Description-Content-Type: text/markdown\n\n%s" % (NAME, VERSION, SUMMARY, REQUIRES_PYTHON, readme))


def _package_files():
    package = os.path.join(ROOT, "brain")
    for name in sorted(os.listdir(package)):
        if name.endswith(".py") or name == "py.typed":
            yield "brain/" + name, os.path.join(package, name)


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def _write_wheel(directory, contents):
    """contents: (archive path, bytes) pairs; adds dist-info and RECORD; returns the wheel's file name."""
    info = "%s-%s.dist-info" % (DIST, VERSION)
    contents = list(contents) + [
        (info + "/METADATA", _metadata().encode("utf-8")),
        (info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: brain_build\nRoot-Is-Purelib: true\nTag: %s\n" % TAG).encode()),
    ]
    record = [_record_line(path, data) for path, data in contents] + [info + "/RECORD,,"]
    contents.append((info + "/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    name = "%s-%s-%s.whl" % (DIST, VERSION, TAG)
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as whl:
        for path, data in contents:
            whl.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = []
    for archive_path, source in _package_files():
        with open(source, "rb") as f:
            files.append((archive_path, f.read()))
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(DIST + ".pth", (ROOT + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (DIST, VERSION)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        paths = list(SDIST_FILES) + [p for p, _ in _package_files()]
        for path in paths:
            tar.add(os.path.join(ROOT, path), arcname=base + "/" + path)
        pkg_info = _metadata().encode("utf-8")
        entry = tarfile.TarInfo(base + "/PKG-INFO")
        entry.size = len(pkg_info)
        tar.addfile(entry, io.BytesIO(pkg_info))
    return name
