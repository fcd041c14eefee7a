"""The hooks in ``.pre-commit-hooks.yaml``, run by the real pre-commit from this checkout.

``pre-commit try-repo`` builds the hook's environment by installing this repository (with any
uncommitted changes to tracked files) from the package index, so the test needs the network
and takes a while: one test, two runs of both hooks.
"""

from __future__ import annotations

import os
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


def yaml_blocks(doc: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (REPO / doc).read_text(), re.S)


def test_documented_remote_snippets_name_real_hooks_and_this_version_or_a_commit():
    from asynclint import __version__

    configs = [yaml.safe_load(b) for b in yaml_blocks("docs/integrations.md") if "asynclint/asynclint" in b]
    assert len(configs) == 2, "docs/integrations.md shows a pinned-commit and a tagged snippet"
    manifest = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    revs = set()
    for config in configs:
        (repo,) = config["repos"]
        revs.add(repo["rev"])
        assert {h["id"] for h in repo["hooks"]} <= manifest
    tags = {r for r in revs if not re.fullmatch(r"[0-9a-f]{40}", r)}
    assert tags == {f"v{__version__}"}, "the tagged snippet names this version (docs/releasing.md, step 1)"
    assert "docs/releasing.md" in (REPO / "README.md").read_text()


@pytest.mark.parametrize("doc", ["README.md", "docs/integrations.md", "docs/walkthrough.md"])
def test_documented_local_hook_runs_under_real_precommit(doc, tmp_path):
    """The configuration that works before any release: a `local` hook running the asynclint of
    the environment, exactly as the docs show it, under the real pre-commit (no network)."""
    (block,) = [b for b in yaml_blocks(doc) if "repo: local" in b]
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".pre-commit-config.yaml").write_text(block)
    (project / "bad.py").write_text(BAD)
    (project / "good.py").write_text(GOOD)
    subprocess.run(["git", "add", "."], cwd=project, check=True)
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bad.py:5:5: ASL101" in proc.stdout and "good.py" not in proc.stdout
    (project / "bad.py").write_text(GOOD)
    subprocess.run(["git", "add", "."], cwd=project, check=True)
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


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
