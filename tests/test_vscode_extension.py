"""The VS Code extension (editors/vscode) compiles and packages with @vscode/vsce."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parent.parent / "editors" / "vscode"

pytestmark = [pytest.mark.network, pytest.mark.slow]


def npm(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"npm {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js and npm to build the extension")
def test_extension_builds_and_packages(tmp_path):
    work = tmp_path / "vscode"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix"))
    npm("install", "--no-audit", "--no-fund", "--loglevel=error", cwd=work)
    npm("run", "compile", cwd=work)
    npm("exec", "--", "vsce", "package", "--out", "asynclint.vsix", cwd=work)
    vsix = work / "asynclint.vsix"
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        manifest = z.read("extension/package.json").decode()
    assert "extension/out/extension.js" in names
    assert "extension/node_modules/vscode-languageclient/package.json" in names  # shipped with it
    assert not any(n.startswith("extension/src/") for n in names)
    assert '"asynclint.interpreter"' in manifest
    js = (work / "out" / "extension.js").read_text()
    assert '"-m", "asynclint", "server"' in js
