"""PEP 517 backend: setuptools, plus ``asynclint_runtime.pth`` at the root of the wheel, for
regular and editable installs alike.

The ``.pth`` lands in site-packages, so every interpreter of the environment imports
``asynclint.runtime.bootstrap`` at startup -- but only when ``asynclint run`` set the
environment variable; otherwise the line costs one dictionary lookup and imports nothing (the
way coverage.py measures subprocesses). setuptools has no public way to put a file at the
root of an editable wheel, so the built wheel is rewritten with the file added to it and to
its RECORD.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every other hook unchanged)

PTH_NAME = "asynclint_runtime.pth"
PTH_TEXT = "import os; os.environ.get('ASYNCLINT_RUNTIME_DIR') and __import__('asynclint.runtime.bootstrap')\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def add_pth(wheel_path: str) -> None:
    data = PTH_TEXT.encode()
    with zipfile.ZipFile(wheel_path) as src:
        if PTH_NAME in src.namelist():
            return
    tmp = wheel_path + ".tmp"
    with zipfile.ZipFile(wheel_path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        for info in src.infolist():
            if info.filename != record:
                dst.writestr(info, src.read(info.filename))
        dst.writestr(PTH_NAME, data)
        lines = src.read(record).decode()
        if lines and not lines.endswith("\n"):
            lines += "\n"
        dst.writestr(record, lines + _record_line(PTH_NAME, data))
    os.replace(tmp, wheel_path)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    add_pth(os.path.join(wheel_directory, name))
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    add_pth(os.path.join(wheel_directory, name))
    return name
