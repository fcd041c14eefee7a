"""SARIF 2.1.0, one ``rules`` entry per rule that fired, results with regions."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from asynclint import DOCS_URL, __version__
from asynclint.finding import FileError, Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return p.as_posix()


def _rule_entry(code: str, name: str) -> dict:
    from asynclint.registry import rules_by_code

    rule = rules_by_code().get(code)
    short = rule.summary if rule else name
    full = rule.doc.strip().split("\n\n")[0] if rule else name
    entry = {
        "id": code,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": " ".join(full.split()) or short},
        "helpUri": f"{DOCS_URL}/rules/{code}/",
        "help": {"text": f"See {DOCS_URL}/rules/{code}/"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": [name]},
    }
    return entry


def render_sarif(findings: Sequence[Finding], *, errors: Sequence[FileError] = (), **_: object) -> str:
    index: dict[str, int] = {}
    rules: list[dict] = []
    for f in findings:
        if f.code not in index:
            index[f.code] = len(rules)
            rules.append(_rule_entry(f.code, f.name))
    results = []
    for f in findings:
        region = {"startLine": f.line, "startColumn": f.column}
        if f.end_line >= f.line:
            region["endLine"] = f.end_line
            if f.end_line > f.line or f.end_column > f.column:
                region["endColumn"] = f.end_column
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error",
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.path)}, "region": region}}],
            "properties": {"origin": f.origin},
        }
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    "message": {"text": r.message or "related location"},
                    "physicalLocation": {"artifactLocation": {"uri": _uri(r.path)}, "region": {"startLine": r.line, "startColumn": max(1, r.column)}},
                }
                for i, r in enumerate(f.related)
            ]
        if f.extra:
            result["properties"].update({k: v for k, v in f.extra.items() if isinstance(v, (str, int, float, bool, list))})
        results.append(result)
    notifications = [
        {"level": "error", "message": {"text": e.message}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.path)}}}]}
        for e in errors
    ]
    invocation = {"executionSuccessful": not errors, "workingDirectory": {"uri": Path(os.getcwd()).as_uri() + "/"}}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "asynclint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "invocations": [invocation],
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
