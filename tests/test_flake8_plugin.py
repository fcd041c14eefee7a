"""The flake8 plugin, run through the real ``flake8``, must report what ``asynclint`` reports:
same line, 1-based column, code and message, for every rule's examples and the fixtures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import main
from asynclint.flake8_plugin import _PRELINTED, _workspace, codes_for
from asynclint.registry import all_rules
from asynclint.rule import Example

REPO = Path(__file__).parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "flake8"
ALL_CODES = ",".join(r.code for r in all_rules())
FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"

Row = tuple[int, int, str, str]  # line, column (1-based), code, message


def flake8(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", f"--format={FORMAT}", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300,
    )


def flake8_rows(proc: subprocess.CompletedProcess) -> dict[str, list[Row]]:
    assert proc.returncode in (0, 1) and not proc.stderr, proc.stderr
    out: dict[str, list[Row]] = {}
    for line in proc.stdout.splitlines():
        path, row, col, code, text = line.split("\t", 4)
        out.setdefault(str(Path(path)), []).append((int(row), int(col), code, text))
    return out


def asynclint_rows(*args: str) -> list[Row]:
    """The CLI's JSON report (in-process: same command, no interpreter start per example)."""
    result = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", *args])
    assert result.exit_code in (0, 1), result.output
    return sorted((f["line"], f["column"], f["code"], f["message"]) for f in json.loads(result.stdout))


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def write_example(ex: Example, where: Path) -> Path:
    """The example as ``example.py`` in its own project; its options and target version go in
    ``[tool.asynclint]`` so both tools have to find them from the linted file."""
    where.mkdir(parents=True)
    version = "%d.%d" % (ex.target_version or (3, 12))
    table = [f'target-version = "{version}"'] + [f"{k} = {toml_value(v)}" for k, v in ex.config.items()]
    (where / "pyproject.toml").write_text("[project]\nname = 'example'\n\n[tool.asynclint]\n" + "\n".join(table) + "\n")
    for rel, text in ex.files.items():
        p = where / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    main_file = where / "example.py"
    main_file.write_text(ex.source)
    return main_file


EXAMPLES = [
    (rule, kind, i, ex)
    for rule in all_rules()
    if not rule.runtime_only  # programs for `asynclint run`; flake8 is static
    and rule.code != "ASL100"  # flake8 owns `# noqa` (and reports its own unused ones)
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples)
]


@pytest.fixture(scope="module")
def examples_through_flake8(tmp_path_factory):
    """One flake8 run over every example of every rule, each example in its own project."""
    base = tmp_path_factory.mktemp("examples")
    paths = {}
    for rule, kind, i, ex in EXAMPLES:
        paths[(rule.code, kind, i)] = write_example(ex, base / f"{rule.code}-{kind}{i}")
    proc = flake8("--isolated", f"--select={ALL_CODES}", *[str(p) for p in paths.values()], cwd=base)
    return paths, flake8_rows(proc)


@pytest.mark.slow  # one flake8 run over every example: grows with the catalog
@pytest.mark.parametrize(
    "rule,kind,i,ex", [pytest.param(*e, id=f"{e[0].code}-{e[1]}{e[2]}") for e in EXAMPLES]
)
def test_rule_example_same_under_flake8(rule, kind, i, ex, examples_through_flake8):
    paths, by_path = examples_through_flake8
    path = paths[(rule.code, kind, i)]
    via_flake8 = sorted(by_path.get(str(path), []))
    via_cli = asynclint_rows(f"--select={ALL_CODES}", "--config", str(path.parent / "pyproject.toml"), str(path))
    assert via_flake8 == via_cli
    # And both found exactly what the example marks, so agreement is not two empty lists.
    assert {(r[0], r[2]) for r in via_flake8 if r[2] == rule.code} == ex.expected()


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.py")))
def test_fixture_same_under_flake8(fixture):
    path = FIXTURES / fixture
    via_flake8 = sorted(flake8_rows(flake8("--isolated", "--select=ASL", str(path), cwd=FIXTURES)).get(str(path), []))
    via_cli = asynclint_rows("--select=ASL", "--config", str(REPO / "pyproject.toml"), str(path))
    assert via_flake8 == via_cli
    assert via_cli, "a fixture here must hold findings"


def _sleepy(tmp_path: Path) -> Path:
    p = tmp_path / "sleepy.py"
    p.write_text("import asyncio\nimport time\n\n\nasync def main():\n    time.sleep(1)\n    await asyncio.sleep(0)\n")
    return p


@pytest.mark.parametrize("config_name,section", [("setup.cfg", "flake8"), (".flake8", "flake8"), ("tox.ini", "flake8")])
def test_extend_ignore_from_flake8_config_file(tmp_path, config_name, section):
    _sleepy(tmp_path)
    before = flake8("--select=ASL101", "sleepy.py", cwd=tmp_path)
    assert before.returncode == 1
    assert before.stdout.splitlines() == [
        "sleepy.py\t6\t5\tASL101\t`time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`"
    ]
    (tmp_path / config_name).write_text(f"[{section}]\nextend-ignore = ASL101\n")
    after = flake8("--select=ASL101", "sleepy.py", cwd=tmp_path)
    assert (after.returncode, after.stdout, after.stderr) == (0, "", "")


def test_flake8_owns_noqa(tmp_path):
    p = tmp_path / "m.py"
    p.write_text(
        "import time\n\n\nasync def main():\n"
        "    time.sleep(1)  # noqa: ASL101\n"
        "    time.sleep(2)  # noqa: E501\n"
        "    time.sleep(3)  # noqa\n"
    )
    honoured = flake8_rows(flake8("--isolated", "--select=ASL101", "m.py", cwd=tmp_path))
    assert [r[:3] for r in honoured["m.py"]] == [(6, 5, "ASL101")]
    # With flake8's own switch off every line shows: the plugin itself suppressed nothing.
    audit = flake8_rows(flake8("--isolated", "--select=ASL101", "--disable-noqa", "m.py", cwd=tmp_path))
    assert [r[:3] for r in audit["m.py"]] == [(5, 5, "ASL101"), (6, 5, "ASL101"), (7, 5, "ASL101")]


def test_lines_from_flake8_not_from_disk(tmp_path):
    """Editors pipe the unsaved buffer to ``flake8 -``: lint what flake8 hands over."""
    p = _sleepy(tmp_path)
    buffer = "import time\n\n\nasync def main():\n    x = 1\n    time.sleep(1)\n"
    proc = flake8("--isolated", "--select=ASL101", f"--stdin-display-name={p.name}", "-", cwd=tmp_path, stdin=buffer)
    assert [r[:3] for r in flake8_rows(proc)["sleepy.py"]] == [(6, 5, "ASL101")]


def test_column_counts_characters_like_the_cli(tmp_path):
    p = tmp_path / "wide.py"
    p.write_text('import time\n\n\nasync def main():\n    "é€"; time.sleep(1)\n', encoding="utf-8")
    rows = flake8_rows(flake8("--isolated", "--select=ASL101", "wide.py", cwd=tmp_path))["wide.py"]
    assert [r[:3] for r in rows] == [(5, 11, "ASL101")]
    assert asynclint_rows("--select=ASL101", str(p))[0][:3] == (5, 11, "ASL101")


def test_unselected_codes_stay_quiet(tmp_path):
    _sleepy(tmp_path)
    proc = flake8("--isolated", "--select=E9", "sleepy.py", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "")


class _Fake:
    def __init__(self, code, opt_in=False):
        self.code, self.opt_in = code, opt_in


FAKE_RULES = (_Fake("ASL101"), _Fake("ASL201"), _Fake("ASL901", opt_in=True), _Fake("ASL902", opt_in=True))


@pytest.mark.parametrize(
    "select,extend,expected",
    [
        (None, None, {"ASL101", "ASL201"}),  # flake8's default: opt-in rules stay off
        (["E", "W", "F"], None, {"ASL101", "ASL201"}),
        (["ASL"], None, {"ASL101", "ASL201", "ASL901", "ASL902"}),  # a prefix of them names them
        (["ASL9"], None, {"ASL101", "ASL201", "ASL901", "ASL902"}),
        (["ASL1"], None, {"ASL101", "ASL201"}),
        (None, ["asl902"], {"ASL101", "ASL201", "ASL902"}),
        (["E"], ["ASL90"], {"ASL101", "ASL201", "ASL901", "ASL902"}),
        (["A"], None, {"ASL101", "ASL201", "ASL901", "ASL902"}),  # flake8 prefixes are plain prefixes
    ],
)
def test_opt_in_rules_follow_flake8_selection(select, extend, expected):
    assert codes_for(select, extend, FAKE_RULES) == expected


# ASL100 judges `# noqa` comments, which flake8 applies itself: it is a CLI-only check.
OPT_IN = [r for r in all_rules() if r.opt_in and r.code != "ASL100"]


@pytest.mark.skipif(not OPT_IN, reason="no opt-in rule is registered yet")
@pytest.mark.parametrize("rule", OPT_IN, ids=lambda r: r.code)
def test_opt_in_rule_needs_explicit_selection_in_flake8(rule, tmp_path):
    path = write_example(rule.bad[0], tmp_path / "proj")
    default = flake8_rows(flake8("--isolated", str(path), cwd=tmp_path)).get(str(path), [])
    assert rule.code not in {r[2] for r in default}
    chosen = flake8_rows(flake8("--isolated", f"--extend-select={rule.code}", str(path), cwd=tmp_path)).get(str(path), [])
    assert {(r[0], r[2]) for r in chosen if r[2] == rule.code} == rule.bad[0].expected()


CONFIGURED = [(r, kind, i, ex) for r, kind, i, ex in EXAMPLES if ex.config]


@pytest.mark.skipif(not CONFIGURED, reason="no rule example needs options yet")
@pytest.mark.parametrize("rule,kind,i,ex", [pytest.param(*e, id=f"{e[0].code}-{e[1]}{e[2]}") for e in CONFIGURED])
def test_rule_options_from_asynclint_config_option(rule, kind, i, ex, tmp_path):
    """Options given with ``--asynclint-config`` (a file outside the project) apply as with
    the CLI's ``--config``; the project's own table has none of them."""
    bare = Example(ex.code, files=ex.files, target_version=ex.target_version)
    path = write_example(bare, tmp_path / "proj")
    options = tmp_path / "elsewhere" / "asynclint.toml"
    options.parent.mkdir()
    version = "%d.%d" % (ex.target_version or (3, 12))
    options.write_text(f'target-version = "{version}"\n' + "".join(f"{k} = {toml_value(v)}\n" for k, v in ex.config.items()))
    proc = flake8("--isolated", f"--asynclint-config={options}", f"--select={rule.code}", str(path), cwd=tmp_path)
    via_flake8 = sorted(flake8_rows(proc).get(str(path), []))
    assert via_flake8 == asynclint_rows(f"--select={rule.code}", "--config", str(options), str(path))
    assert {(r[0], r[2]) for r in via_flake8} == ex.expected()


def test_asynclint_config_option_errors_name_the_file(tmp_path):
    _sleepy(tmp_path)
    proc = flake8("--asynclint-config=missing.toml", "--select=ASL101", "sleepy.py", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "flake8: asynclint-config: missing.toml: config file not found\n")


def test_asynclint_config_from_flake8_config_file_is_relative_to_it(tmp_path):
    _sleepy(tmp_path)
    (tmp_path / "ci" / "conf").mkdir(parents=True)
    settings = tmp_path / "ci" / "conf" / "lint.toml"
    settings.write_text("[tool.asynclint]\nbogus = 1\n")
    (tmp_path / "ci" / "flake8.cfg").write_text("[flake8]\nasynclint-config = conf/lint.toml\n")
    proc = flake8("--config=ci/flake8.cfg", "--select=ASL101", "sleepy.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"flake8: asynclint-config: {settings}: unknown key 'bogus'; accepted keys: ")
    settings.write_text('[tool.asynclint]\ntarget-version = "3.11"\n')
    ok = flake8("--config=ci/flake8.cfg", "--select=ASL101", "sleepy.py", cwd=tmp_path)
    assert (ok.returncode, ok.stdout.count("\tASL101\t")) == (1, 1)


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """A two-module project (copied, so the cache is written outside the source tree); the
    working directory is its root, where both tools show paths relative to it."""
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES.parent / "flake8_project", project)
    monkeypatch.chdir(project)
    return project


def test_cross_module_findings_same_under_flake8(shop):
    via_flake8 = sorted(flake8_rows(flake8("--isolated", "--select=ASL", "app/service.py", cwd=shop))["app/service.py"])
    via_cli = asynclint_rows("--select=ASL", "app/service.py")
    assert via_flake8 == via_cli
    assert [r[:3] for r in via_flake8] == [(11, 9, "ASL201"), (12, 9, "ASL201"), (13, 9, "ASL101")]
    assert "defined at app/repo.py:2" in via_flake8[0][3]


def test_cross_module_findings_use_the_buffer(shop):
    """The linted file's own summary comes from flake8's lines; the rest from the disk."""
    buffer = (shop / "app" / "service.py").read_text().replace("        self.repo.save(user)\n", "        await self.repo.save(user)\n")
    proc = flake8("--isolated", "--select=ASL", "--stdin-display-name=app/service.py", "-", cwd=shop, stdin=buffer)
    assert [r[:3] for r in flake8_rows(proc)["app/service.py"]] == [(12, 9, "ASL201"), (13, 9, "ASL101")]


def test_project_index_loaded_once_per_flake8_run(shop, capsys):
    from flake8.main.application import Application

    (shop / "app" / "jobs.py").write_text("from app.repo import audit\n\n\nasync def nightly():\n    audit('nightly')\n")
    _workspace.cache_clear()
    app = Application()
    app.run(["--isolated", "--jobs=1", "--select=ASL1,ASL2", "app/service.py", "app/jobs.py"])
    out = capsys.readouterr().out.splitlines()
    assert sorted(line.split(" ")[:2] for line in out) == [
        ["app/jobs.py:5:5:", "ASL201"],
        ["app/service.py:11:9:", "ASL201"], ["app/service.py:12:9:", "ASL201"], ["app/service.py:13:9:", "ASL101"],
    ]
    # One workspace (configuration + index) for the run, and both files answered from the
    # run that linted them together before flake8's checks started.
    assert _workspace.cache_info().misses == 1
    assert {os.path.basename(p) for p in _PRELINTED} == {"service.py", "jobs.py"}
