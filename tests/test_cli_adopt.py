"""Adopting asynclint on an existing code base (issue 18): --exit-zero, mistyped commands and
missing paths, `asynclint clean`, --statistics in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# `project` is test_cli's fixture (pkg/bad.py and pkg/clean.py under a pyproject.toml); pytest
# passes it by parameter name, which pyflakes reads as a redefinition.
# ruff: noqa: F811
from tests.test_cli import BAD, CLEAN, project, run  # noqa: F401


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
    assert err == "asynclint: error: 'zzz': no such command or file; commands: check, clean, rule, rules, run, server\n"


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


# ---------------------------------------------------------------------- baseline
LEGACY = "import time\n\nasync def f():\n    time.sleep(1)\n    time.sleep(1)\n\nasync def g():\n    time.sleep(2)\n"


def baseline_entries(project: Path, name: str = ".asynclint-baseline.json") -> list[tuple]:
    data = json.loads((project / name).read_text())
    return [(e["path"], e["code"], e["text"], e["occurrence"], e["line"]) for e in data["findings"]]


def test_write_baseline_then_hide_recorded_findings(project):
    (project / "pkg" / "legacy.py").write_text(LEGACY)
    code, out, _ = run(["pkg", "--write-baseline"], project)
    assert (code, out) == (0, "Wrote 4 findings to .asynclint-baseline.json; later runs hide them (`--no-baseline` shows them).\n")
    assert baseline_entries(project) == [
        ("pkg/bad.py", "ASL101", "time.sleep(1)", 0, 4),
        ("pkg/legacy.py", "ASL101", "time.sleep(1)", 0, 4),
        ("pkg/legacy.py", "ASL101", "time.sleep(1)", 1, 5),
        ("pkg/legacy.py", "ASL101", "time.sleep(2)", 0, 8),
    ]
    code, out, _ = run(["pkg"], project)
    assert (code, out) == (0, "All checks passed (3 files checked). 4 findings hidden by the baseline (.asynclint-baseline.json; `--no-baseline` shows them).\n")
    code, out, _ = run(["pkg", "--no-baseline"], project)
    assert code == 1 and "hidden" not in out
    assert len([x for x in out.splitlines() if x.startswith("pkg/")]) == 4


def test_baseline_survives_edits_elsewhere_and_catches_new_findings(project):
    legacy = project / "pkg" / "legacy.py"
    legacy.write_text(LEGACY)
    run(["pkg", "--write-baseline"], project)
    # Lines added above move every finding down; indentation changes; a new blocking call.
    legacy.write_text("import time\nimport os\n\n# a comment\nasync def f():\n        time.sleep(1)\n        time.sleep(1)\n        time.sleep(1)\n\nasync def g():\n    time.sleep(2)\n")
    code, out, _ = run(["pkg", "--format", "concise"], project)
    assert code == 1
    # the third identical call is new: occurrence 2 was never recorded
    assert out == "pkg/legacy.py:8:9: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"


def test_rewriting_the_baseline_drops_findings_that_are_gone(project):
    legacy = project / "pkg" / "legacy.py"
    legacy.write_text(LEGACY)
    run(["pkg", "--write-baseline"], project)
    legacy.write_text("import time\n\nasync def f():\n    time.sleep(1)\n")
    (project / "pkg" / "bad.py").unlink()
    code, out, _ = run(["pkg", "--write-baseline"], project)
    assert (code, out) == (0, "Wrote 1 finding to .asynclint-baseline.json; later runs hide them (`--no-baseline` shows them).\n")
    assert baseline_entries(project) == [("pkg/legacy.py", "ASL101", "time.sleep(1)", 0, 4)]


def test_writing_the_baseline_for_some_files_keeps_the_others(project):
    (project / "pkg" / "legacy.py").write_text(LEGACY)
    run(["pkg", "--write-baseline"], project)
    (project / "pkg" / "legacy.py").write_text("x = 1\n")
    run(["pkg/legacy.py", "--write-baseline"], project)
    assert baseline_entries(project) == [("pkg/bad.py", "ASL101", "time.sleep(1)", 0, 4)]


def test_baseline_path_from_config_and_from_a_subdirectory(project):
    with open(project / "pyproject.toml", "a") as f:
        f.write("[tool.asynclint]\nbaseline = 'ci/lint-baseline.json'\n")
    code, out, _ = run(["pkg", "--write-baseline"], project)
    assert code == 0 and "ci/lint-baseline.json" in out
    assert baseline_entries(project, "ci/lint-baseline.json") == [("pkg/bad.py", "ASL101", "time.sleep(1)", 0, 4)]
    code, out, _ = run(["bad.py"], project / "pkg")
    assert code == 0
    assert out == f"All checks passed (1 file checked). 1 finding hidden by the baseline ({project / 'ci' / 'lint-baseline.json'}; `--no-baseline` shows it).\n"


def test_baseline_with_machine_formats_says_on_stderr(project):
    run(["pkg", "--write-baseline"], project)
    code, out, err = run(["pkg", "--format", "json"], project)
    assert (code, json.loads(out)) == (0, [])
    assert err == "asynclint: 1 finding hidden by the baseline (.asynclint-baseline.json)\n"


def test_bad_or_missing_baseline_is_one_line_and_exit_2(project):
    (project / ".asynclint-baseline.json").write_text("{not json")
    code, out, err = run(["pkg"], project)
    assert code == 2
    assert err.endswith(".asynclint-baseline.json: not a valid asynclint baseline; write it again with `asynclint check --write-baseline`\n")
    code, _, err = run(["pkg", "--baseline", "nope.json"], project)
    assert code == 2
    assert err == "asynclint: error: nope.json: baseline file not found; create it with `asynclint check --write-baseline`\n"


def test_baseline_applies_to_what_fix_leaves(project):
    (project / "pkg" / "unfixable.py").write_text("import requests\n\nasync def f():\n    requests.get('u')\n")
    run(["pkg", "--write-baseline"], project)
    code, out, _ = run(["pkg", "--fix"], project)
    assert code == 0
    assert out == "Fixed 1 finding. 1 finding hidden by the baseline (.asynclint-baseline.json; `--no-baseline` shows it).\n"


# ---------------------------------------------------------------------- --add-noqa
def test_add_noqa_adds_and_merges(project):
    f = project / "pkg" / "legacy.py"
    f.write_text(
        "import time, requests\n\nasync def f():\n"
        "    time.sleep(1)\n"
        "    time.sleep(2)  # noqa: E501\n"
        "    time.sleep(3); requests.get('u')  # why\n"
        "    time.sleep(4)  # noqa:ASL102 because\n"
        "    time.sleep(5)  # noqa: ASL101\n"
    )
    code, out, err = run(["pkg/legacy.py", "--add-noqa"], project)
    assert (code, out, err) == (0, "Added 4 noqa directives.\n", "")
    assert f.read_text() == (
        "import time, requests\n\nasync def f():\n"
        "    time.sleep(1)  # noqa: ASL101\n"
        "    time.sleep(2)  # noqa: E501, ASL101\n"
        "    time.sleep(3); requests.get('u')  # why  # noqa: ASL101, ASL102\n"
        "    time.sleep(4)  # noqa:ASL102, ASL101 because\n"
        "    time.sleep(5)  # noqa: ASL101\n"
    )
    code, out, _ = run(["pkg/legacy.py"], project)
    assert (code, out) == (0, "All checks passed (1 file checked).\n")


def test_add_noqa_leaves_a_line_that_ends_inside_a_string(project):
    f = project / "pkg" / "legacy.py"
    src = "import time\n\nasync def f():\n    x = f'''{time.sleep(1)}\n    '''\n    return x\n"
    f.write_text(src)
    code, out, err = run(["pkg/legacy.py", "--add-noqa"], project)
    assert (code, out) == (0, "Added 0 noqa directives.\n")
    assert err == "pkg/legacy.py:4: warning: cannot add a `# noqa` comment: the line ends inside a string\n"
    assert f.read_text() == src


def test_add_noqa_keeps_crlf_and_mode(project):
    f = project / "pkg" / "legacy.py"
    f.write_bytes(b"import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n")
    f.chmod(0o640)
    code, out, _ = run(["pkg/legacy.py", "--add-noqa"], project)
    assert (code, out) == (0, "Added 1 noqa directive.\n")
    assert f.read_bytes() == b"import time\r\n\r\nasync def f():\r\n    time.sleep(1)  # noqa: ASL101\r\n"
    assert f.stat().st_mode & 0o777 == 0o640


def test_add_noqa_with_fix_is_a_usage_error(project):
    code, _, err = run(["pkg", "--add-noqa", "--fix"], project)
    assert code == 2
    assert err == "asynclint: error: --add-noqa cannot be combined with --fix, --fix-only, --diff or --write-baseline\n"


# ---------------------------------------------------------------------- text output
SNIPPET_OUT = (
    "pkg/bad.py:4:5: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"
    "  |\n"
    "4 |     time.sleep(1)\n"
    "  |     ^^^^^^^^^^^^^ ASL101\n"
    "  |\n"
    "\n"
    "Found 1 finding in 2 files checked. 1 fixable with `--fix`.\n"
)


def test_text_format_shows_the_line_with_carets(project):
    code, out, _ = run(["pkg"], project)
    assert (code, out) == (1, SNIPPET_OUT)


def test_text_carets_for_a_multiline_finding_and_tabs(project):
    (project / "pkg" / "bad.py").write_text("import time\n\nasync def f():\n\tx = time.sleep(\n\t\t1)\n")
    code, out, _ = run(["pkg/bad.py"], project)
    assert out.splitlines()[1:5] == ["  |", "4 | \tx = time.sleep(", "  | \t    ^^^^^^^^^^^ ASL101", "  |"]


def test_concise_stays_one_line_per_finding(project):
    code, out, _ = run(["pkg", "--format", "concise"], project)
    assert out == "pkg/bad.py:4:5: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"


RED_CODE = "\x1b[1;31mASL101\x1b[0m"


@pytest.mark.parametrize(
    "args,env,coloured",
    [
        ([], {}, False),  # not a terminal
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "auto"], {"NO_COLOR": ""}, False),
    ],
)
def test_color_auto_always_never_and_environment(project, monkeypatch, args, env, coloured):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    _, out, _ = run(["pkg", *args], project)
    assert (RED_CODE in out) is coloured
    assert ("\x1b[" in out) is coloured


def test_color_always_exact_header(project):
    _, out, _ = run(["pkg", "--format", "concise", "--color", "always"], project)
    assert out == (
        "\x1b[1mpkg/bad.py\x1b[0m:4:5: \x1b[1;31mASL101\x1b[0m \x1b[36m[*]\x1b[0m "
        "`time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"
    )


def test_color_never_in_machine_formats_or_files(project):
    _, out, _ = run(["pkg", "--format", "json", "--color", "always"], project)
    assert "\x1b[" not in out
    run(["pkg", "--output-file", "r.txt", "--color", "auto"], project)
    assert "\x1b[" not in (project / "r.txt").read_text()


def test_show_fixes_lists_what_fix_changed(project):
    (project / "pkg" / "more.py").write_text("import asyncio\n\nasync def g():\n    loop = asyncio.get_event_loop()\n    import time\n    time.sleep(1)\n")
    code, out, _ = run(["pkg", "--fix", "--show-fixes"], project)
    assert code == 0
    assert out == (
        "Fixed 3 findings:\n"
        "- pkg/bad.py:\n"
        "    1 × ASL101 (blocking-sleep)\n"
        "- pkg/more.py:\n"
        "    1 × ASL101 (blocking-sleep)\n"
        "    1 × ASL401 (get-event-loop-in-coroutine)\n"
        "\n"
        "Fixed 3 findings.\n"
    )


def test_show_fixes_without_fix_describes_each_fix(project):
    code, out, _ = run(["pkg", "--show-fixes"], project)
    assert code == 1
    assert out.splitlines()[1:6] == [
        "  |",
        "4 |     time.sleep(1)",
        "  |     ^^^^^^^^^^^^^ ASL101",
        "  |",
        "  = fix: Use `await asyncio.sleep()`",
    ]


def test_readme_example_output_is_what_asynclint_prints():
    import re

    repo = Path(__file__).resolve().parent.parent
    readme = (repo / "README.md").read_text()
    shown = re.search(r"```console\n\$ asynclint examples/\n(.*?)```", readme, re.S).group(1)
    code, out, _ = run(["examples/", "--no-cache"], repo)
    assert code == 1
    assert out == shown


# ---------------------------------------------------------------------- extend
def make_tree(tmp_path: Path) -> Path:
    """shared/base.toml, shared/strict.toml; proj/ with a pyproject.toml and a bad module."""
    (tmp_path / "shared").mkdir()
    proj = tmp_path / "proj"
    (proj / "pkg").mkdir(parents=True)
    (proj / "pkg" / "bad.py").write_text("import time, requests\n\nasync def f():\n    time.sleep(1)\n    requests.get('u')\n")
    return proj


def test_extend_takes_settings_from_a_relative_path(tmp_path):
    proj = make_tree(tmp_path)
    (tmp_path / "shared" / "base.toml").write_text('ignore = ["ASL101"]\nformat = "concise"\n')
    (proj / "pyproject.toml").write_text('[tool.asynclint]\nextend = "../shared/base.toml"\n')
    code, out, _ = run(["pkg"], proj)
    assert (code, out) == (1, "pkg/bad.py:5:5: ASL102 `requests.get()` is a blocking HTTP call; use aiohttp or `httpx.AsyncClient`\n")


def test_extending_file_wins_and_extend_lists_add_up_along_a_chain(tmp_path):
    proj = make_tree(tmp_path)
    (tmp_path / "shared" / "base.toml").write_text('format = "json"\nextend-ignore = ["ASL101"]\n')
    (tmp_path / "shared" / "strict.toml").write_text('extend = "base.toml"\nextend-ignore = ["ASL102"]\nformat = "github"\n')
    (proj / "asynclint.toml").write_text('extend = "../shared/strict.toml"\nformat = "concise"\n')
    code, out, _ = run(["pkg"], proj)
    assert (code, out) == (0, "")  # both ignores apply, concise format from the project
    (proj / "asynclint.toml").write_text('extend = "../shared/strict.toml"\n')
    code, out, _ = run(["pkg"], proj)
    assert (code, out) == (0, "")  # github format: nothing to print


def test_extend_paths_in_the_base_are_relative_to_it(tmp_path):
    from asynclint.config import load_config

    proj = make_tree(tmp_path)
    (tmp_path / "shared" / "base.toml").write_text('cache-dir = "cache"\nbaseline = "bl.json"\n')
    (proj / "pyproject.toml").write_text('[tool.asynclint]\nextend = "../shared/base.toml"\n')
    cfg = load_config(cwd=proj)
    assert cfg.cache_dir == str(tmp_path / "shared" / "cache")
    assert cfg.baseline == str(tmp_path / "shared" / "bl.json")
    assert Path(cfg.base_dir) == proj


def test_extend_loop_missing_file_and_bad_value_are_one_line_errors(tmp_path):
    proj = make_tree(tmp_path)
    a, b = tmp_path / "shared" / "a.toml", tmp_path / "shared" / "b.toml"
    a.write_text('extend = "b.toml"\n')
    b.write_text('extend = "a.toml"\n')
    (proj / "asynclint.toml").write_text('extend = "../shared/a.toml"\n')
    code, out, err = run(["pkg"], proj)
    assert code == 2 and out == ""
    assert err == f"asynclint: error: {b}: extend: loop: {proj / 'asynclint.toml'} -> {a} -> {b} -> {a}\n"
    (proj / "asynclint.toml").write_text('extend = "../shared/nope.toml"\n')
    code, _, err = run(["pkg"], proj)
    assert code == 2
    assert err == f"asynclint: error: {proj / 'asynclint.toml'}: extend: '../shared/nope.toml': no such file ({tmp_path / 'shared' / 'nope.toml'})\n"
    (proj / "asynclint.toml").write_text("extend = 3\n")
    code, _, err = run(["pkg"], proj)
    assert code == 2
    assert err == f"asynclint: error: {proj / 'asynclint.toml'}: extend: expected the path of a configuration file, got int 3\n"


def test_extend_errors_in_the_base_name_the_base(tmp_path):
    proj = make_tree(tmp_path)
    base = tmp_path / "shared" / "base.toml"
    base.write_text('ignore = ["ASL9999"]\n')
    (proj / "asynclint.toml").write_text('extend = "../shared/base.toml"\n')
    code, _, err = run(["pkg"], proj)
    assert code == 2
    assert err.startswith(f"asynclint: error: {base}: ignore: unknown rule selector 'ASL9999'")
    assert err.count("\n") == 1


def test_stdin_snippet_shows_the_text_read_not_the_file_on_disk(project):
    # an editor sends its buffer; the file on disk has other content at that line
    code, out, _ = run(["-", "--stdin-filename", "pkg/clean.py"], project, stdin="import time\n\nasync def f():\n    time.sleep(9)\n")
    assert code == 1
    assert "4 |     time.sleep(9)" in out.splitlines()
