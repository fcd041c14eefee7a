"""GitHub Actions workflow commands (``::error file=...::message``)."""

from __future__ import annotations

from typing import Sequence

from asynclint.finding import FileError, Finding


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Sequence[Finding], *, errors: Sequence[FileError] = (), **_: object) -> str:
    out = []
    for f in findings:
        props = (
            f"file={_escape_property(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={_escape_property(f.code + ' ' + f.name)}"
        )
        out.append(f"::error {props}::{_escape_data(f.code + ' ' + f.message)}\n")
    for e in errors:
        out.append(f"::error file={_escape_property(e.path)},title=asynclint::{_escape_data(e.message)}\n")
    return "".join(out)
