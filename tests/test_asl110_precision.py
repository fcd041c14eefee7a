"""ASL110's chain length limit (issue 16): a chain longer than ``max-chain-length`` gives way
to a shorter one, or is not reported."""

from __future__ import annotations

import textwrap

from asynclint.config import Config
from asynclint.engine import lint_source

CHAIN = """
import time

def f1():
    return f2()

def f2():
    return f3()

def f3():
    if time:
        return f4()
    return g1()

def f4():
    return f5()

def f5():
    return f6()

def f6():
    time.sleep(1)

def g1():
    time.sleep(1)

async def handler():
    f1()
    f4()
"""


def _lint(src: str, **options):
    cfg = Config(select=("ASL110",), rule_options=tuple(options.items()))
    run = lint_source(textwrap.dedent(src).lstrip("\\n"), "m.py", cfg)
    assert not run.errors, run.errors
    return [(f.line, f.message.split(": ", 1)[1].split(". Make")[0]) for f in run.findings]


def test_a_chain_longer_than_the_limit_gives_way_to_a_shorter_one():
    # f1's first chain goes through six functions; the one through g1() through four (the limit).
    assert _lint(CHAIN) == [
        (28, "f1() -> f2() -> f3() -> g1() -> time.sleep()"),
        (29, "f4() -> f5() -> f6() -> time.sleep()"),
    ]
    assert _lint(CHAIN, **{"max-chain-length": 0})[0] == (28, "f1() -> f2() -> f3() -> f4() -> f5() -> f6() -> time.sleep()")
    assert _lint(CHAIN, **{"max-chain-length": 3}) == [(29, "f4() -> f5() -> f6() -> time.sleep()")]
    assert _lint(CHAIN, **{"max-chain-length": 2}) == []
