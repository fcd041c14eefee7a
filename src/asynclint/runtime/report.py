"""Raw runtime events (from any number of processes) -> Findings: merged by (code, path,
line) with a count and the longest duration, ``# noqa`` applied from the file of the location,
and marked ``confirmed`` where the static rules report the same code on the same line."""

from __future__ import annotations

import json
import linecache
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from asynclint.finding import Finding, Related
from asynclint.runtime.codes import name_of

if TYPE_CHECKING:
    from asynclint.config import Config


def read_events(directory: str | os.PathLike) -> list[dict]:
    out: list[dict] = []
    for p in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a process killed while writing: its findings are lost, not the run
        out.extend(e for e in data.get("events", ()) if isinstance(e, dict))
    return out


def merge(events: Iterable[dict], by_test: bool = False) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for e in events:
        path = os.path.realpath(e["path"])
        key = (e["code"], path, e["line"], e.get("test") if by_test else None)
        m = merged.get(key)
        if m is None:
            m = merged[key] = dict(e, path=path, count=0, tests=[])
        m["count"] += e.get("count", 1)
        if (e.get("duration") or 0) > (m.get("duration") or 0):
            m["duration"] = e["duration"]
        if e.get("test") and e["test"] not in m["tests"]:
            m["tests"].append(e["test"])
    return list(merged.values())


def _display(path: str, cwd: str) -> str:
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _suppressed(events: list[dict]) -> set[tuple[str, int, str]]:
    from asynclint.suppression import parse_suppressions

    out = set()
    for path in {e["path"] for e in events}:
        try:
            sup = parse_suppressions(Path(path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        for e in events:
            if e["path"] == path and sup.suppresses(e["line"], e["code"]):
                out.add((path, e["line"], e["code"]))
    return out


def static_findings(paths: Iterable[str], root: str | None = None) -> set[tuple[str, str, int]]:
    """(code, real path, line) the static rules report on these files (noqa applied). A bad
    configuration confirms nothing and says so in one line; a bug in the engine is not hidden."""
    from asynclint.config import ConfigError, load_config
    from asynclint.workspace import Workspace

    root_path = Path(root) if root else None
    try:
        config = load_config(cwd=root_path)
    except ConfigError as e:
        print(f"asynclint: cannot confirm runtime findings with the static rules: {e}", file=sys.stderr)
        return set()
    run = Workspace(config, root_path).lint_paths(p for p in sorted(set(paths)) if os.path.isfile(p))
    return {(f.code, os.path.realpath(f.path), f.line) for f in run.findings}


def _selected(events: list[dict], config: "Config") -> list[dict]:
    """The events whose code ``select``/``ignore`` keep and ``per-file-ignores`` does not turn
    off for the event's file: the same configuration as the static rules."""
    from asynclint.engine import ignored_codes

    enabled = config.enabled_codes()
    return [e for e in events if e["code"] in enabled and e["code"] not in ignored_codes(config, e["path"])]


def to_findings(events: Iterable[dict], *, cwd: str | None = None, root: str | None = None, noqa: bool = True, confirm: bool = True, by_test: bool = False, config: "Config | None" = None) -> list[Finding]:
    cwd = cwd or os.getcwd()
    merged = merge(events, by_test=by_test)
    if config is not None:
        merged = _selected(merged, config)
    hidden = _suppressed(merged) if noqa else set()
    merged = [e for e in merged if (e["path"], e["line"], e["code"]) not in hidden]
    static = static_findings({e["path"] for e in merged}, root) if confirm and merged else set()
    findings = []
    for e in merged:
        column, end_column = _code_span(linecache.getline(e["path"], e["line"]))
        extra: dict = {"count": e["count"]}
        if e.get("duration") is not None:
            extra["duration"] = e["duration"]
        if e["tests"]:
            extra["tests"] = e["tests"]
        if e.get("call"):
            extra["call"] = e["call"]
        if (e["code"], e["path"], e["line"]) in static:
            extra["confirmed"] = True
        extra["stack"] = [f"{_display(s[0], cwd)}:{s[1]} in {s[2]}" for s in e.get("stack", ())]
        related = tuple(Related(_display(os.path.realpath(r[0]), cwd), r[1], 1, r[2]) for r in e.get("related", ()))
        findings.append(
            Finding(
                path=_display(e["path"], cwd),
                line=e["line"],
                column=column,
                end_line=e["line"],
                end_column=max(end_column, column),
                code=e["code"],
                name=name_of(e["code"]),
                message=e["message"],
                origin="runtime",
                related=related,
                extra=extra,
            )
        )
    findings.sort(key=Finding.sort_key)
    return findings


def _code_span(text: str) -> tuple[int, int]:
    """1-based columns of the code on a line, leaving out indentation and a trailing comment."""
    import io
    import tokenize

    if not text.strip():
        return 1, 1
    start = len(text) - len(text.lstrip()) + 1
    end = len(text.rstrip()) + 1
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                end = len(text[: tok.start[1]].rstrip()) + 1
                break
    except (tokenize.TokenError, SyntaxError):
        pass
    return start, max(start, end)


def write_events(directory: str, events: list[dict], tag: str) -> None:
    """Atomically (write + rename) store one process's events."""
    path = os.path.join(directory, f"{tag}.json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"pid": os.getpid(), "events": events}, f)
    os.replace(tmp, path)
