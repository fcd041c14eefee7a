from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"


def findings_of(source: str, **config) -> set[tuple[int, str]]:
    """(line, code) pairs asynclint reports for ``source`` (dedented)."""
    cfg = Config(**config) if config else Config()
    ws = Workspace(cfg)
    run = ws.finish([ws.pass1(textwrap.dedent(source).lstrip("\n"), "example.py")])
    assert not run.errors, run.errors
    return {(f.line, f.code) for f in run.findings}


@pytest.fixture
def lint():
    return findings_of
