"""Configuration: ``[tool.asynclint]`` in the nearest pyproject.toml (or ``asynclint.toml``),
validated against one schema that also generates the configuration reference; CLI flags
override file values."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

FORMATS = ("text", "concise", "json", "sarif", "github")
DEFAULT_TARGET = (3, 10)
SUPPORTED_TARGETS = tuple((3, m) for m in range(7, 16))
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    ".eggs",
    "*.egg-info",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".asynclint_cache",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "__pypackages__",
)


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class Setting:
    key: str
    type: str  # for docs and validation: "list[str]", "bool", "int", "str", "dict[str, list[str]]" ...
    default: Any
    doc: str
    example: str


SETTINGS: tuple[Setting, ...] = (
    Setting("extend", "str", None, "Another configuration file (pyproject.toml or asynclint.toml; relative to this file, `~` and `$VARS` expanded) to start from, as ruff's `extend`: its settings apply unless this file sets them; `extend-select`, `extend-ignore` and `extend-exclude` add up along the chain. Its `cache-dir`, `baseline` and `output-file` are relative to it; patterns (`exclude`, `per-file-ignores`) apply to this project.", 'extend = "../base.toml"'),
    Setting("select", "list[str]", None, "Rules to run: codes, prefixes (`ASL1`) or rule names. Replaces the default selection (every rule that is not opt-in).", 'select = ["ASL1", "ASL201"]'),
    Setting("extend-select", "list[str]", [], "Rules to add to the selection; naming an opt-in rule or a prefix that holds one turns it on.", 'extend-select = ["ASL9"]'),
    Setting("ignore", "list[str]", [], "Rules to turn off (codes, prefixes or names).", 'ignore = ["ASL104"]'),
    Setting("extend-ignore", "list[str]", [], "More rules to turn off, added to `ignore`.", 'extend-ignore = ["ASL409"]'),
    Setting("per-file-ignores", "dict[str, list[str]]", {}, "Glob (relative to the config file) -> rules ignored in matching files.", 'per-file-ignores = { "tests/*" = ["ASL101"] }'),
    Setting("exclude", "list[str]", list(DEFAULT_EXCLUDE), "Files and directories never linted when a directory is walked (glob patterns on names or relative paths). Replaces the default list.", 'exclude = ["migrations"]'),
    Setting("extend-exclude", "list[str]", [], "Patterns excluded in addition to `exclude`.", 'extend-exclude = ["generated/*"]'),
    Setting("force-exclude", "bool", False, "Apply exclusions to files named on the command line too (useful with pre-commit).", "force-exclude = true"),
    Setting("respect-gitignore", "bool", True, "Skip files ignored by `.gitignore` files.", "respect-gitignore = false"),
    Setting("include-pyi", "bool", False, "Also lint `*.pyi` stub files.", "include-pyi = true"),
    Setting("target-version", "str", None, "Python version the code runs on (`3.12` or `py312`); drives the version-aware rules. Default: the lower bound of `requires-python`, else 3.10.", 'target-version = "3.12"'),
    Setting("format", "str", "text", "Output format: " + ", ".join(FORMATS) + ".", 'format = "concise"'),
    Setting("output-file", "str", None, "Write the report to this file instead of standard output.", 'output-file = "asynclint.sarif"'),
    Setting("statistics", "bool", False, "Print a count of findings per rule instead of each finding.", "statistics = true"),
    Setting("quiet", "bool", False, "Print findings only: no summary line, no progress.", "quiet = true"),
    Setting("jobs", "int", 0, "Worker processes for the per-file pass; 0 means one per core. More than two per core are not started.", "jobs = 2"),
    Setting("cache", "bool", True, "Reuse results for files whose content did not change.", "cache = false"),
    Setting("cache-dir", "str", None, "Where the cache lives. Default: `.asynclint_cache` at the project root, or `$ASYNCLINT_CACHE_DIR`. A directory another user owns, or that others can write, is refused with a warning (the run goes on without a cache); cache files are sealed with a per-user key kept in `~/.config/asynclint/cache-key` (or under `$XDG_CONFIG_HOME`) and ignored when the seal does not match.", 'cache-dir = "/tmp/asynclint"'),
    Setting("python", "str", None, "The project's Python environment (an interpreter or a virtual environment's folder), whose installed libraries are summarised from their source to know their coroutine functions and async context managers. Default: `.venv`/`venv` in the project root, else the active virtual environment unless asynclint runs in it; without one, the knowledge shipped with asynclint answers.", 'python = ".venv/bin/python"'),
    Setting("baseline", "str", None, "The baseline file: findings recorded in it by `asynclint check --write-baseline` are hidden. Relative to the configuration file. Default: `.asynclint-baseline.json` at the project root.", 'baseline = "ci/asynclint-baseline.json"'),
    Setting("noqa", "bool", True, "Honour `# noqa` comments; `--no-noqa` turns them off for an audit.", "noqa = false"),
    Setting("fix", "bool", False, "Apply safe fixes to the files (as `--fix`). Lines with a `# noqa` for the rule are never fixed.", "fix = true"),
    Setting("unsafe-fixes", "bool", False, "Let `--fix`, `--diff` and `--fix-only` apply unsafe fixes too (they may change behaviour; review them).", "unsafe-fixes = true"),
)


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    include_pyi: bool = False
    target_version: tuple[int, int] = DEFAULT_TARGET
    format: str = "text"
    output_file: str | None = None
    statistics: bool = False
    quiet: bool = False
    jobs: int = 0
    cache: bool = True
    cache_dir: str | None = None
    python: str | None = None
    noqa: bool = True
    baseline: str | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    rule_options: tuple[tuple[str, Any], ...] = ()
    config_file: str | None = None
    base_dir: str = "."  # directory that relative patterns are resolved against

    def options_dict(self) -> dict[str, Any]:
        return dict(self.rule_options)

    def with_(self, **kw) -> "Config":
        return replace(self, **kw)

    def enabled_codes(self) -> frozenset[str]:
        from asynclint.registry import resolve_selection

        return resolve_selection(self.select, self.extend_select, self.ignore)


def rule_option_settings() -> dict[str, Any]:
    from asynclint.registry import all_rules

    out = {}
    for rule in all_rules():
        for opt in rule.options:
            out[opt.key] = (opt, rule)
    return out


def parse_target_version(value: str, where: str = "target-version") -> tuple[int, int]:
    m = re.fullmatch(r"(?:py)?3\.?(\d{1,2})", str(value).strip().lower())
    if not m:
        raise ConfigError(f"{where}: invalid value {value!r}; expected a version such as '3.12' or 'py312'")
    v = (3, int(m.group(1)))
    if v not in SUPPORTED_TARGETS:
        raise ConfigError(
            f"{where}: unsupported version {value!r}; accepted: 3.{SUPPORTED_TARGETS[0][1]} to 3.{SUPPORTED_TARGETS[-1][1]}"
        )
    return v


def version_from_requires_python(spec: str) -> tuple[int, int] | None:
    lows = []
    for part in spec.split(","):
        m = re.match(r"\s*(>=|~=|==|>)\s*3\.(\d+)", part)
        if m:
            minor = int(m.group(2)) + (1 if m.group(1) == ">" and not re.search(r"3\.\d+\.\d", part) else 0)
            lows.append((3, minor))
    if not lows:
        return None
    v = min(lows)
    return min(max(v, SUPPORTED_TARGETS[0]), SUPPORTED_TARGETS[-1])


def find_config_file(start: Path) -> tuple[Path | None, Path | None]:
    """(config file with asynclint settings, nearest pyproject.toml) searching upward."""
    config = None
    pyproject = None
    for d in [start, *start.parents]:
        own = d / "asynclint.toml"
        pp = d / "pyproject.toml"
        if pyproject is None and os.path.isfile(pp):
            pyproject = pp
        if config is None:
            if os.path.isfile(own):
                config = own
            elif os.path.isfile(pp) and _has_tool_table(pp):
                config = pp
        if config is not None and pyproject is not None:
            break
    return config, pyproject


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "[tool.asynclint" in text


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None


def table_of(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    tool = data.get("tool")
    if path.name == "pyproject.toml":
        table = tool.get("asynclint", {}) if isinstance(tool, dict) else {}
    elif tool is None:
        table = data
    elif isinstance(tool, dict):
        table = tool.get("asynclint", data)
    else:
        # In asynclint.toml ``tool`` can only be the ``[tool.asynclint]`` table's parent.
        raise ConfigError(f"{path}: tool: expected a table ([tool.asynclint]), got {type(tool).__name__} {tool!r}")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.asynclint] must be a table")
    return table


def requires_python(data: dict[str, Any]) -> str | None:
    """``[project] requires-python`` when the file has a usable one (other tools own the rest
    of pyproject.toml: a shape we do not expect there is not our error)."""
    project = data.get("project")
    value = project.get("requires-python") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None


_warned: set[str] = set()


def warn_once(message: str) -> None:
    """One ``asynclint: warning:`` line on stderr per message and process."""
    if message in _warned:
        return
    _warned.add(message)
    try:
        sys.stderr.write(f"asynclint: warning: {message}\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a warning must never stop a run
        pass


def load_config(config_path: str | None = None, cwd: Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Read the configuration file (explicit or discovered) and apply CLI ``overrides``
    (already in file-key form, e.g. ``{"select": ["ASL1"]}``)."""
    cwd = cwd or Path.cwd()
    values: dict[str, Any] = {}
    requires = None
    source = "command line"
    base_dir = cwd
    file = None
    if config_path:
        file = Path(config_path)
        if not os.path.isfile(file):
            raise ConfigError(f"{config_path}: config file not found")
        data = load_toml(file)
        values = with_extends(file, table_of(file, data))
        if file.name == "pyproject.toml":
            requires = requires_python(data)
        base_dir = file.resolve().parent
        source = str(file)
    else:
        file, pyproject = find_config_file(cwd.resolve())
        if file is not None:
            data = load_toml(file)
            values = with_extends(file, table_of(file, data))
            base_dir = file.parent
            source = str(file)
        if pyproject is not None:
            if pyproject == file:
                requires = requires_python(data)
            else:
                # Not our configuration: only its requires-python is read, and a broken file
                # of another tool must not stop (or crash, under flake8) our linting.
                try:
                    requires = requires_python(load_toml(pyproject))
                except ConfigError as e:
                    warn_once(f"{e}; its requires-python is not used")
    values = validate(values, source)
    if overrides:
        values.update(validate(overrides, "command line"))
    cfg = build(values, source if file else None, base_dir)
    if "target-version" not in values and isinstance(requires, str):
        v = version_from_requires_python(requires)
        if v:
            cfg = cfg.with_(target_version=v)
    return cfg


_ADDING = ("extend-select", "extend-ignore", "extend-exclude")
_FILE_PATHS = ("cache-dir", "baseline", "output-file")


def with_extends(file: Path, values: dict[str, Any], chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """``values`` (the table of ``file``) on top of the chain of files its ``extend`` names."""
    chain = chain or (file.resolve(),)
    if "extend" not in values:
        return values
    ext = values["extend"]
    if not isinstance(ext, str) or not ext.strip():
        raise ConfigError(f"{file}: extend: expected the path of a configuration file, got {type(ext).__name__} {ext!r}")
    target = Path(os.path.expandvars(os.path.expanduser(ext)))
    if not target.is_absolute():
        target = file.resolve().parent / target
    try:
        target = target.resolve()
    except (OSError, RuntimeError):
        raise ConfigError(f"{file}: extend: cannot resolve {ext!r}") from None
    if target in chain:
        loop = " -> ".join(str(p) for p in (*chain, target))
        raise ConfigError(f"{file}: extend: loop: {loop}")
    if not target.is_file():
        raise ConfigError(f"{file}: extend: {ext!r}: no such file ({target})")
    base = dict(table_of(target, load_toml(target)))
    for key in _FILE_PATHS:  # relative to the file that says them
        if isinstance(base.get(key), str) and base[key] and not Path(os.path.expanduser(base[key])).is_absolute():
            base[key] = str(target.parent / base[key])
    base = with_extends(target, base, (*chain, target))
    validate({k: v for k, v in base.items() if k != "extend"}, str(target))  # errors name the file that has them
    merged = {k: v for k, v in base.items() if k != "extend"}
    for key, value in values.items():
        if key == "extend":
            continue
        if key in _ADDING and key in merged and isinstance(merged[key], list) and isinstance(value, list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


def validate(values: dict[str, Any], source: str) -> dict[str, Any]:
    known = {s.key: s for s in SETTINGS}
    # Rule options need every rule imported; a configuration without any should not pay that.
    rule_opts = rule_option_settings() if any(k not in known for k in values) else {}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in known:
            s = known[key]
            out[key] = _check_type(key, value, s.type, source)
        elif key in rule_opts:
            opt, _rule = rule_opts[key]
            out[key] = _check_type(key, value, _opt_type_name(opt.type), source)
        else:
            accepted = ", ".join(sorted([*known, *rule_opts]))
            raise ConfigError(f"{source}: unknown key '{key}'; accepted keys: {accepted}")
    for key in ("select", "extend-select", "ignore", "extend-ignore"):
        for sel in out.get(key) or ():
            _check_selector(
                sel,
                f"{source}: {key}: unknown rule selector '{sel}'; use a code (ASL101), a prefix (ASL1) or a rule name (see `asynclint rules`)",
            )
    for pattern, codes in (out.get("per-file-ignores") or {}).items():
        for sel in codes:
            _check_selector(sel, f"{source}: per-file-ignores['{pattern}']: unknown rule selector '{sel}'")
    if "format" in out and out["format"] not in FORMATS:
        raise ConfigError(f"{source}: format: invalid value '{out['format']}'; accepted: {', '.join(FORMATS)}")
    if "target-version" in out and out["target-version"] is not None:
        out["target-version"] = parse_target_version(out["target-version"], f"{source}: target-version")
    if "jobs" in out and out["jobs"] < 0:
        raise ConfigError(f"{source}: jobs: must be 0 (one per core) or a positive number")
    return out


def _check_selector(sel: str, message: str) -> None:
    # The registry (and, for names, every rule) is imported only when there is a selector to
    # check: a warm run without one imports no rule machinery at all.
    from asynclint.registry import SelectionError, expand

    try:
        expand(sel)
    except SelectionError:
        raise ConfigError(message) from None


def _opt_type_name(t: type) -> str:
    return {dict: "dict[str, str]", list: "list[str]", bool: "bool", int: "int", str: "str"}.get(t, "str")


def _check_type(key: str, value: Any, type_name: str, source: str) -> Any:
    def bad(expected: str):
        return ConfigError(f"{source}: {key}: expected {expected}, got {type(value).__name__} {value!r}")

    if type_name == "list[str]":
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return list(value)
    if type_name == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if type_name == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        return value
    if type_name == "str":
        if value is not None and not isinstance(value, str):
            raise bad("a string")
        return value
    if type_name == "dict[str, list[str]]":
        if not isinstance(value, dict):
            raise bad("a table of glob = [codes]")
        out = {}
        for k, v in value.items():
            if isinstance(v, str):
                v = [x for x in re.split(r"[,\s]+", v) if x]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise bad("a table of glob = [codes]")
            out[k] = v
        return out
    if type_name == "dict[str, str]":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise bad('a table of "name" = "suggestion" strings')
        return dict(value)
    return value


def build(values: dict[str, Any], config_file: str | None, base_dir: Path) -> Config:
    known = {s.key for s in SETTINGS}
    rule_opts = rule_option_settings() if any(k not in known for k in values) else {}
    kw: dict[str, Any] = {}
    if values.get("select") is not None:
        kw["select"] = tuple(values["select"])
    kw["extend_select"] = tuple(values.get("extend-select", ()))
    kw["ignore"] = tuple(values.get("ignore", ())) + tuple(values.get("extend-ignore", ()))
    kw["per_file_ignores"] = tuple((k, tuple(v)) for k, v in (values.get("per-file-ignores") or {}).items())
    if "exclude" in values:
        kw["exclude"] = tuple(values["exclude"])
    kw["extend_exclude"] = tuple(values.get("extend-exclude", ()))
    for key in ("force-exclude", "respect-gitignore", "include-pyi", "statistics", "quiet", "cache", "noqa", "fix", "unsafe-fixes"):
        if key in values:
            kw[key.replace("-", "_")] = values[key]
    for key in ("format", "output-file", "cache-dir", "python", "baseline"):
        if values.get(key) is not None:
            kw[key.replace("-", "_")] = values[key]
    if values.get("jobs") is not None:
        kw["jobs"] = values["jobs"]
    if values.get("target-version") is not None:
        kw["target_version"] = values["target-version"]
    kw["rule_options"] = tuple(sorted((k, _freeze(v)) for k, v in values.items() if k in rule_opts))
    kw["config_file"] = config_file
    kw["base_dir"] = str(base_dir)
    return Config(**kw)


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted(v.items()))
    if isinstance(v, list):
        return tuple(v)
    return v


def thaw_option(v: Any, t: type) -> Any:
    if t is dict and isinstance(v, tuple):
        return dict(v)
    if t is list and isinstance(v, tuple):
        return list(v)
    return v


def cache_dir_default(project_root: Path) -> Path:
    env = os.environ.get("ASYNCLINT_CACHE_DIR")
    return Path(env) if env else project_root / ".asynclint_cache"


def matching_ignores(config: Config, path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The ``per-file-ignores`` entries whose glob matches ``path`` (unexpanded: the cache keys
    entries by them without importing any rule)."""
    if not config.per_file_ignores:
        return ()
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(config.base_dir))
    except ValueError:
        rel = path
    rel = rel.replace(os.sep, "/")
    base = os.path.basename(rel)
    raw = path.replace(os.sep, "/")
    return tuple(
        (pattern, codes)
        for pattern, codes in config.per_file_ignores
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(base, pattern) or fnmatch.fnmatch(raw, pattern)
    )
