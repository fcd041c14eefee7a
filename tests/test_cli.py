"""The command line as users and scripts rely on it: paths, options, config, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import main

BAD = "import time\n\nasync def f():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n"


def run(args, cwd: Path, stdin: str | None = None):
    """Run the CLI in-process (click's runner) from ``cwd``; returns (exit code, stdout, stderr)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\nrequires-python = '>=3.11'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    return tmp_path


def lines(out: str) -> list[str]:
    return [x for x in out.splitlines() if x.startswith(("pkg", "-", "x", "t", "src", "a"))]


# ---------------------------------------------------------------------- paths and exit codes
def test_default_command_is_check(project):
    code1, out1, _ = run(["pkg"], project)
    code2, out2, _ = run(["check", "pkg"], project)
    assert code1 == code2 == 1
    assert out1 == out2
    assert "pkg/bad.py:4:5: ASL101 [*] `time.sleep()` blocks the event loop" in out1
    assert out1.rstrip().endswith("Found 1 finding in 2 files checked. 1 fixable with `--fix`.")


def test_exit_0_when_clean(project):
    code, out, _ = run(["pkg/clean.py"], project)
    assert code == 0
    assert out == "All checks passed (1 file checked).\n"


def test_broken_files_are_reported_in_one_line_and_others_still_analysed(project):
    pkg = project / "pkg"
    (pkg / "syntax.py").write_text("def f(:\n    pass\n")
    (pkg / "latin.py").write_bytes(b"x = '\xe9t\xe9'\n")
    (pkg / "binary.py").write_bytes(b"\x00\x01\x02ELF")
    (pkg / "cookie.py").write_bytes(b"# -*- coding: klingon -*-\nx = 1\n")
    code, out, err = run(["pkg", "missing.py"], project)
    assert code == 2
    assert "pkg/bad.py:4:5: ASL101" in out  # the good files were still analysed
    errs = sorted(err.strip().splitlines())
    assert errs == [
        "missing.py: cannot analyse: no such file or directory",
        "pkg/binary.py: cannot analyse: binary content (NUL byte)",
        "pkg/cookie.py: cannot analyse: unknown encoding 'klingon' in the coding declaration",
        "pkg/latin.py: cannot analyse: not valid utf-8 (byte 0xe9 on line 1); add a coding declaration or re-encode the file",
        "pkg/syntax.py: cannot analyse: syntax error: invalid syntax (line 1, column 7)",
    ]
    assert "Traceback" not in out + err


def test_coding_cookie_bom_crlf_and_tabs_are_fine(project):
    pkg = project / "pkg"
    (pkg / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    x = '\xe9'; time.sleep(1)\n")
    (pkg / "bom.py").write_bytes(b"\xef\xbb\xbfimport time\r\nasync def f():\r\n\ttime.sleep(1)\r\n")
    code, out, _ = run(["pkg/latin.py", "pkg/bom.py", "--format", "concise"], project)
    assert code == 1
    assert out.splitlines() == [
        "pkg/bom.py:3:2: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`",
        "pkg/latin.py:4:14: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`",
    ]


def test_non_ascii_columns_count_characters(project):
    (project / "pkg" / "u.py").write_text("import time\nasync def f():\n    s = 'héhé'; time.sleep(1)\n", encoding="utf-8")
    code, out, _ = run(["pkg/u.py", "--format", "json"], project)
    data = json.loads(out)
    assert (data[0]["line"], data[0]["column"], data[0]["end_column"]) == (3, 17, 30)


def test_stdin_with_filename(project):
    code, out, _ = run(["-", "--stdin-filename", "pkg/from_stdin.py", "--format", "concise"], project, stdin=BAD)
    assert code == 1
    assert out.startswith("pkg/from_stdin.py:4:5: ASL101")


def test_directories_skip_vcs_venvs_build_dist_and_gitignored(project):
    for d in (".git", "build", "dist", "node_modules", "myenv", "ignored", "pkg/__pycache__"):
        (project / d).mkdir(parents=True, exist_ok=True)
        (project / d / "x.py").write_text(BAD)
    (project / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / ".gitignore").write_text("ignored/\n*_gen.py\n")
    (project / "pkg" / "api_gen.py").write_text(BAD)
    (project / "pkg" / "stub.pyi").write_text(BAD)
    code, out, _ = run([".", "--format", "concise"], project)
    assert [x.split(":")[0] for x in out.splitlines()] == ["pkg/bad.py"]
    code, out, _ = run([".", "--format", "concise", "--include-pyi", "--no-respect-gitignore"], project)
    assert sorted(x.split(":")[0] for x in out.splitlines()) == ["ignored/x.py", "pkg/api_gen.py", "pkg/bad.py", "pkg/stub.pyi"]


def test_nested_gitignore(project):
    (project / "pkg" / ".gitignore").write_text("bad.py\n")
    code, out, _ = run(["."], project)
    assert code == 0


def test_exclude_and_extend_exclude(project):
    (project / "pkg" / "other.py").write_text(BAD)
    code, out, _ = run([".", "--format", "concise", "--extend-exclude", "other.py"], project)
    assert [x.split(":")[0] for x in out.splitlines()] == ["pkg/bad.py"]
    code, out, _ = run([".", "--format", "concise", "--exclude", "pkg"], project)
    assert code == 0 and out == ""
    # Files named explicitly are linted unless --force-exclude.
    code, out, _ = run(["pkg/other.py", "--format", "concise", "--extend-exclude", "other.py"], project)
    assert code == 1
    code, out, _ = run(["pkg/other.py", "--format", "concise", "--extend-exclude", "other.py", "--force-exclude"], project)
    assert code == 0


# ---------------------------------------------------------------------- selection
def test_select_ignore_by_code_prefix_and_name(project):
    for args, expected in [
        (["--select", "ASL101"], 1),
        (["--select", "ASL1"], 1),
        (["--select", "blocking-sleep"], 1),
        (["--select", "ASL4"], 0),
        (["--ignore", "ASL101"], 0),
        (["--ignore", "blocking-sleep"], 0),
        (["--select", "ASL4", "--extend-select", "ASL101"], 1),
        (["--extend-ignore", "ASL1"], 0),
    ]:
        code, _, err = run(["pkg/bad.py", *args], project)
        assert code == expected, (args, err)


def test_unknown_selector_is_a_usage_error(project):
    code, _, err = run(["pkg", "--select", "ASL999x"], project)
    assert code == 2
    assert err.strip() == (
        "asynclint: error: command line: select: unknown rule selector 'ASL999x'; use a code (ASL101), "
        "a prefix (ASL1) or a rule name (see `asynclint rules`)"
    )


def test_opt_in_rules_are_off_by_default_and_on_when_selected():
    from asynclint.registry import all_rules, resolve_selection

    opt_in = [r.code for r in all_rules() if r.opt_in]
    assert opt_in, "the catalog has opt-in (ASL9xx) rules"
    default = resolve_selection()
    assert not set(opt_in) & default
    assert {c for c in opt_in if c.startswith("ASL9")} <= resolve_selection(extend_select=["ASL9"])
    assert "ASL100" in opt_in and "ASL100" in resolve_selection(extend_select=["ASL100"])
    assert {opt_in[0]} <= resolve_selection(select=[opt_in[0]])


def test_per_file_ignores_from_cli_and_config(project):
    code, _, _ = run(["pkg", "--per-file-ignores", "pkg/bad.py:ASL101"], project)
    assert code == 0
    (project / "pyproject.toml").write_text('[tool.asynclint]\nper-file-ignores = { "pkg/*" = ["ASL1"] }\n')
    code, _, _ = run(["pkg"], project)
    assert code == 0


# ---------------------------------------------------------------------- configuration
def test_pyproject_found_upward_from_cwd(project):
    (project / "pyproject.toml").write_text('[tool.asynclint]\nignore = ["ASL101"]\n')
    code, _, _ = run(["bad.py"], project / "pkg")
    assert code == 0


def test_asynclint_toml_and_explicit_config(project):
    (project / "asynclint.toml").write_text('ignore = ["ASL101"]\n')
    assert run(["pkg"], project)[0] == 0
    other = project / "strict.toml"
    other.write_text('select = ["ASL101"]\n')
    assert run(["pkg", "--config", "strict.toml"], project)[0] == 1


def test_cli_overrides_config(project):
    (project / "pyproject.toml").write_text('[tool.asynclint]\nignore = ["ASL101"]\nformat = "json"\n')
    code, out, _ = run(["pkg", "--format", "concise", "--select", "ASL101", "--ignore", "ASL4"], project)
    assert code == 1 and out.startswith("pkg/bad.py:4:5: ASL101")


@pytest.mark.parametrize(
    "body,message",
    [
        ("colour = true", "unknown key 'colour'; accepted keys: "),
        ('select = "ASL101 ASL102x"', "select: unknown rule selector 'ASL102x'"),
        ("jobs = 'many'", "jobs: expected an integer, got str 'many'"),
        ('format = "xml"', "format: invalid value 'xml'; accepted: text, concise, json, sarif, github"),
        ('target-version = "2.7"', "target-version: invalid value '2.7'; expected a version such as '3.12' or 'py312'"),
        ('target-version = "3.99"', "target-version: unsupported version '3.99'; accepted: 3.7 to 3.15"),
        ("quiet = 1", "quiet: expected true or false, got int 1"),
    ],
)
def test_config_errors_name_file_key_and_what_is_accepted(project, body, message):
    (project / "pyproject.toml").write_text(f"[tool.asynclint]\n{body}\n")
    code, out, err = run(["pkg"], project)
    assert code == 2
    assert out == ""
    assert err.startswith(f"asynclint: error: {project / 'pyproject.toml'}: {message}")
    assert len(err.strip().splitlines()) == 1


def test_invalid_toml_names_the_file(project):
    (project / "pyproject.toml").write_text("[tool.asynclint\nselect = [\n")
    code, _, err = run(["pkg"], project)
    assert code == 2
    assert err.startswith(f"asynclint: error: {project / 'pyproject.toml'}: not valid TOML: ")


def test_missing_config_file(project):
    code, _, err = run(["pkg", "--config", "nope.toml"], project)
    assert code == 2 and err.strip() == "asynclint: error: nope.toml: config file not found"


def test_target_version_from_requires_python_and_flag():
    from asynclint.config import load_config, version_from_requires_python

    assert version_from_requires_python(">=3.11") == (3, 11)
    assert version_from_requires_python(">=3.9, <4") == (3, 9)
    assert version_from_requires_python("~=3.12.1") == (3, 12)
    assert version_from_requires_python(">3.10") == (3, 11)
    assert version_from_requires_python("==3.13.*") == (3, 13)
    assert version_from_requires_python("*") is None


def test_target_version_defaults(tmp_path):
    from asynclint.config import load_config

    assert load_config(cwd=tmp_path).target_version == (3, 10)
    (tmp_path / "pyproject.toml").write_text("[project]\nrequires-python = '>=3.12'\n")
    assert load_config(cwd=tmp_path).target_version == (3, 12)
    assert load_config(cwd=tmp_path, overrides={"target-version": "py313"}).target_version == (3, 13)


# ---------------------------------------------------------------------- options that shape output
def test_output_file_quiet_statistics(project):
    code, out, _ = run(["pkg", "--output-file", "report.json", "--format", "json"], project)
    assert code == 1 and out == ""
    data = json.loads((project / "report.json").read_text())
    assert [d["code"] for d in data] == ["ASL101"]
    code, out, _ = run(["pkg", "--quiet"], project)
    assert out.splitlines() == ["pkg/bad.py:4:5: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`"]
    code, out, _ = run(["pkg", "--statistics"], project)
    assert out.splitlines() == ["    1  ASL101  [*] blocking-sleep", "    1  total"]


def test_jobs_and_no_cache_are_accepted_and_output_is_deterministic(project):
    for i in range(60):
        (project / "pkg" / f"m{i:02}.py").write_text(BAD)
    outs = {run(["pkg", "--jobs", str(j), "--no-cache", "--format", "concise"], project)[1] for j in (1, 2)}
    assert len(outs) == 1
    assert len(next(iter(outs)).splitlines()) == 61


def test_help_explains_commands_and_options(project):
    code, out, _ = run(["--help"], project)
    assert code == 0 and "asynclint src/" in out and "rules" in out
    code, out, _ = run(["check", "--help"], project)
    for flag in ("--select", "--extend-select", "--ignore", "--per-file-ignores", "--exclude", "--target-version", "--format", "--output-file", "--statistics", "--quiet", "--jobs", "--no-cache", "--no-noqa", "--stdin-filename", "--config"):
        assert flag in out, flag


def test_rules_and_rule_commands(project):
    code, out, _ = run(["rules"], project)
    assert code == 0
    assert "ASL101  blocking-sleep" in out
    header = out.splitlines()[0].split()
    assert header == ["code", "name", "default", "fix", "found", "summary"]
    assert re.search(r"^ASL502 +task-exception-never-retrieved +on +- +runtime ", out, re.MULTILINE)
    code, explained, _ = run(["rule", "ASL502"], project)
    assert code == 0 and "runtime mode only" in explained
    code, by_code, _ = run(["rule", "ASL101"], project)
    code2, by_name, _ = run(["rule", "blocking-sleep"], project)
    assert code == code2 == 0 and by_code == by_name
    assert by_code.startswith("# ASL101: blocking-sleep")
    assert "## Bad example" in by_code and "time.sleep(0.5)  # <- ASL101" in by_code
    assert by_code.rstrip().endswith("Documentation: https://asynclint.readthedocs.io/en/latest/rules/ASL101/")
    code, _, err = run(["rule", "ASL000"], project)
    assert code == 2 and "unknown rule 'ASL000'" in err


def test_console_script_runs_as_a_real_process(project):
    exe = Path(sys.executable).parent / "asynclint"
    proc = subprocess.run([str(exe), "pkg", "--format", "concise"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("pkg/bad.py:4:5: ASL101")
    proc = subprocess.run([sys.executable, "-m", "asynclint", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("asynclint, version ")
