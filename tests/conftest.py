from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"

try:
    from hypothesis import settings as _hypothesis_settings
except ImportError:  # hypothesis is a dev dependency; the fuzz tests skip without it
    _hypothesis_settings = None

# The fuzz tests take their example counts from a Hypothesis profile, chosen by
# HYPOTHESIS_PROFILE: "default" for a local run, "ci" for more examples (.ci/run), "quick"
# while developing. No fuzz test sets max_examples itself.
FUZZ_PROFILES = {"quick": 25, "default": 200, "ci": 400}
if _hypothesis_settings is not None:
    for _name, _examples in FUZZ_PROFILES.items():
        # CI's examples are derived from each test, not drawn afresh: a landing is judged on a
        # run that can be repeated, and a difference found there is found again here.
        _hypothesis_settings.register_profile(_name, max_examples=_examples, deadline=None, derandomize=_name == "ci")
    _hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
