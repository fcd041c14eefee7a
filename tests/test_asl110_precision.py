"""ASL110 where a chain's blocking call cannot be the pitfall of each call (issue 16): a
memoised function of no arguments, and the arguments that keep a memoised one honest."""

from __future__ import annotations

import textwrap

from asynclint.config import Config
from asynclint.engine import lint_source


def findings(src: str) -> list[tuple[int, str]]:
    run = lint_source(textwrap.dedent(src).lstrip("\n"), "m.py", Config(select=("ASL110",)))
    assert not run.errors, run.errors
    return [(f.line, f.message.split(" blocks ")[0]) for f in run.findings]


def test_a_memoised_function_of_no_arguments_runs_once():
    src = """
    import functools, os
    from functools import cache, lru_cache

    @cache
    def in_docker():
        return os.path.exists("/.dockerenv")

    @functools.lru_cache(maxsize=None)
    def config_dir():
        return os.path.realpath("~/.app")

    @lru_cache
    def read(path):
        return open(path).read()

    def kwargs():
        return {"docker": in_docker(), "dir": config_dir()}

    async def install(path):
        kwargs()
        in_docker()
        read(path)
    """
    assert findings(src) == [(22, "`read()` defined at m.py:13")]
