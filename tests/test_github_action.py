"""The GitHub Action (`action.yml`): its shape, and its two shell steps run for real the way
the runner runs them (bash, with the runner's variables and the inputs in the step's `env`):
asynclint installed from this checkout into a fresh venv, findings as annotations, the exit
status as the step's and as the `exit-code` output, and a SARIF report when asked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
BAD = "import time\n\n\nasync def main():\n    time.sleep(1)\n"
GOOD = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"


def step(name: str) -> dict:
    (found,) = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    return found


def step_env(s: dict, inputs: dict[str, str]) -> dict[str, str]:
    """The step's `env`, with `${{ inputs.X }}` replaced as the runner does."""
    defaults = {k: v.get("default", "") for k, v in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    return {k: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], str(v)) for k, v in s.get("env", {}).items()}


def test_action_shape():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"args", "version", "python-version", "sarif", "sarif-file"}
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    upload = ACTION["runs"]["steps"][-1]
    assert upload["if"] == "always() && inputs.sarif == 'true'"  # uploads when findings failed the step
    for s in ACTION["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], "inputs reach scripts through env, never spliced into code"


@pytest.mark.slow
@pytest.mark.network
def test_action_steps_install_and_report(tmp_path):
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "bad.py").write_text(BAD)
    (work / "good.py").write_text(GOOD)
    output = tmp_path / "github_output"
    output.write_text("")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ASYNCLINT", "VIRTUAL_ENV", "PYTHON"))}
    base.update(RUNNER_TEMP=str(runner_temp), GITHUB_ACTION_PATH=str(REPO), GITHUB_OUTPUT=str(output), CI="true")
    base["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), base.get("PATH", "")])  # the setup-python step's python3

    def run(name: str, inputs: dict[str, str]) -> subprocess.CompletedProcess:
        s = step(name)
        return subprocess.run(["bash", "-c", s["run"]], cwd=work, env={**base, **step_env(s, inputs)}, capture_output=True, text=True, timeout=900)

    install = run("Install asynclint", {})
    assert install.returncode == 0, install.stderr[-3000:]
    assert "asynclint, version" in install.stdout

    checked = run("Run asynclint", {"args": "bad.py good.py", "sarif": "true"})
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.startswith("::error file=bad.py,line=5,col=5,")
    assert output.read_text() == "exit-code=1\n"
    sarif = json.loads((work / "asynclint.sarif").read_text())
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "ASL101"

    output.write_text("")
    clean = run("Run asynclint", {"args": "good.py"})
    assert clean.returncode == 0 and output.read_text() == "exit-code=0\n"


def test_docs_pin_this_version():
    from asynclint import __version__

    page = (REPO / "docs" / "github-action.md").read_text()
    assert set(re.findall(r"uses: asynclint/asynclint@(v[\d.]+)", page)) == {f"v{__version__}"}
