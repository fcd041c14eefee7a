"""Adopting asynclint on an existing code base (issue 18): --exit-zero, mistyped commands and
missing paths, `asynclint clean`, --statistics in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import BAD, CLEAN, run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\nrequires-python = '>=3.11'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    return tmp_path


# ---------------------------------------------------------------------- --exit-zero
def test_exit_zero_reports_findings_and_exits_0(project):
    code, out, _ = run(["pkg", "--exit-zero"], project)
    assert code == 0
    assert "pkg/bad.py:4:5: ASL101" in out


def test_exit_zero_is_still_2_when_a_file_could_not_be_analysed(project):
    (project / "pkg" / "broken.py").write_text("def f(:\n")
    code, out, err = run(["pkg", "--exit-zero"], project)
    assert code == 2
    assert "pkg/bad.py:4:5: ASL101" in out
    assert "pkg/broken.py: cannot analyse: syntax error" in err


def test_exit_zero_with_fix_leaves_findings_and_exits_0(project):
    (project / "pkg" / "unfixable.py").write_text("import requests\n\nasync def f():\n    requests.get('u')\n")
    code, out, _ = run(["pkg", "--fix", "--exit-zero"], project)
    assert code == 0
    assert "ASL102" in out


# ---------------------------------------------------------------------- bad commands and paths
@pytest.mark.parametrize("word,hint", [("rulez", "did you mean `asynclint rule`?"), ("chek", "did you mean `asynclint check`?")])
def test_unknown_word_is_no_such_command_or_file(project, word, hint):
    code, out, err = run([word], project)
    assert code == 2
    assert out == ""
    assert err == f"asynclint: error: '{word}': no such command or file; {hint}\n"


def test_unknown_word_without_near_command_lists_the_commands(project):
    code, _, err = run(["zzz"], project)
    assert code == 2
    assert err == "asynclint: error: 'zzz': no such command or file; commands: check, clean, rule, rules, run\n"


def test_a_word_that_names_a_directory_is_checked(project):
    code, out, _ = run(["pkg"], project)
    assert code == 1 and "pkg/bad.py:4:5: ASL101" in out


def test_missing_path_never_prints_all_checks_passed(project):
    code, out, err = run(["missing.py"], project)
    assert code == 2
    assert "All checks passed" not in out
    assert out == "No findings in 0 files checked. 1 file could not be analysed.\n"
    assert err == "missing.py: cannot analyse: no such file or directory\n"
    code, out, err = run(["pkg/clean.py", "nothere/"], project)
    assert code == 2
    assert out == "No findings in 1 file checked. 1 file could not be analysed.\n"
    code, out, err = run(["check", "missing"], project)
    assert code == 2 and "All checks passed" not in out
    assert err == "missing: cannot analyse: no such file or directory\n"


# ---------------------------------------------------------------------- clean
def test_clean_removes_the_cache(project):
    run(["pkg"], project)
    cache = project / ".asynclint_cache"
    assert cache.is_dir()
    code, out, _ = run(["clean"], project)
    assert (code, out) == (0, f"Removed {cache}\n")
    assert not cache.exists()
    code, out, _ = run(["clean"], project)
    assert (code, out) == (0, f"No cache at {cache}\n")


def test_clean_honours_cache_dir_from_config(project):
    with open(project / "pyproject.toml", "a") as f:
        f.write("[tool.asynclint]\ncache-dir = 'build/lintcache'\n")
    run(["pkg"], project)
    cache = project / "build" / "lintcache"
    assert cache.is_dir()
    code, out, _ = run(["clean"], project)
    assert (code, out) == (0, f"Removed {cache}\n")
    assert not cache.exists() and (project / "build").is_dir()


def test_clean_refuses_a_directory_asynclint_did_not_make(project):
    other = project / "mine"
    other.mkdir()
    (other / "keep.txt").write_text("data")
    code, out, err = run(["clean", "--cache-dir", "mine"], project)
    assert code == 2
    assert err == f"asynclint: error: {other}: not removed: it is not a cache asynclint made (no asynclint CACHEDIR.TAG)\n"
    assert (other / "keep.txt").exists()


# ---------------------------------------------------------------------- --statistics
def test_statistics_honours_format_json(project):
    (project / "pkg" / "more.py").write_text("import time\n\nasync def g():\n    time.sleep(1)\n    time.sleep(2)\n")
    code, out, _ = run(["pkg", "--statistics", "--format", "json"], project)
    assert code == 1
    assert json.loads(out) == [{"code": "ASL101", "name": "blocking-sleep", "count": 3, "fixable": True}]
    code, out, _ = run(["pkg", "--statistics"], project)
    assert out == "    3  ASL101  [*] blocking-sleep\n    3  total\n"
