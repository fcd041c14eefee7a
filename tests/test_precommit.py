"""The hooks in ``.pre-commit-hooks.yaml``, run by the real pre-commit from this checkout.

``pre-commit try-repo`` builds the hook's environment by installing this repository (with any
uncommitted changes to tracked files) from the package index, so the test needs the network
and takes a while: one test, two runs of both hooks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")
import yaml  # noqa: E402 - pre-commit brings it

REPO = Path(__file__).resolve().parent.parent
BAD = "import time\n\n\nasync def main():\n    time.sleep(1)\n"
FIXED = "import time\nimport asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"
GOOD = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"


def test_hooks_manifest():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"asynclint", "asynclint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["entry"].split()[0] == "asynclint"
        # File names are passed (pass_filenames defaults to true) and asynclint loads the
        # rest of the project's index itself, so batches may run in parallel.
        assert hook.get("pass_filenames", True) is True
        assert "require_serial" not in hook
    assert "--fix" not in hooks["asynclint"]["entry"].split()
    assert "--fix" in hooks["asynclint-fix"]["entry"].split()


@pytest.mark.parametrize("doc", ["README.md", "docs/integrations.md"])
def test_documented_snippet_names_real_hooks_and_this_version(doc):
    from asynclint import __version__

    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / doc).read_text(), re.S)
    configs = [yaml.safe_load(b) for b in blocks if "asynclint/asynclint" in b]
    assert configs, f"{doc} shows no .pre-commit-config.yaml snippet"
    manifest = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    for config in configs:
        (repo,) = config["repos"]
        assert repo["rev"] == f"v{__version__}"
        assert {h["id"] for h in repo["hooks"]} <= manifest


def try_repo(project: Path, *files: str) -> subprocess.CompletedProcess:
    """Every hook of the manifest (sorted by id: ``asynclint``, then ``asynclint-fix``)."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--verbose", "--color=never", "--files", *files],
        cwd=project, capture_output=True, text=True, timeout=900,
    )


def hook_reports(stdout: str) -> dict[str, str]:
    """Each hook's status line and what follows it, by hook id."""
    run = stdout.split("=" * 79)[-1]  # after the config try-repo prints
    out: dict[str, str] = {}
    for block in re.split(r"\n(?=\S[^\n]*\.{3,}(?:Passed|Failed))", "\n" + run):
        m = re.search(r"^- hook id: (\S+)", block, re.M)
        if m:
            out[m.group(1)] = block
    return out


@pytest.mark.network
@pytest.mark.slow
def test_try_repo_fails_bad_file_fixes_it_and_passes_clean_ones(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "bad.py").write_text(BAD)
    (project / "good.py").write_text(GOOD)
    (project / "notes.txt").write_text("not python (\n")  # asynclint would fail on it: types_or keeps it out
    # Staged, as in a commit: pre-commit sees a hook's changes as a diff against the index.
    subprocess.run(["git", "add", "bad.py", "good.py", "notes.txt"], cwd=project, check=True)

    first = try_repo(project, "bad.py", "notes.txt")
    assert first.returncode == 1, first.stdout + first.stderr
    hooks = hook_reports(first.stdout)
    assert set(hooks) == {"asynclint", "asynclint-fix"}, first.stdout
    assert "Failed" in hooks["asynclint"] and "- exit code: 1" in hooks["asynclint"]
    assert "bad.py:5:5: ASL101" in hooks["asynclint"]
    assert "Failed" in hooks["asynclint-fix"] and "- files were modified by this hook" in hooks["asynclint-fix"]
    assert "notes.txt" not in first.stdout
    assert (project / "bad.py").read_text() == FIXED

    second = try_repo(project, "bad.py", "good.py", "notes.txt")
    assert second.returncode == 0, second.stdout + second.stderr
    hooks = hook_reports(second.stdout)
    assert set(hooks) == {"asynclint", "asynclint-fix"}, second.stdout
    assert all("Passed" in h and "ASL" not in h for h in hooks.values()), second.stdout
