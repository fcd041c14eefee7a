"""The garbage collector's schedule in an analysis process (``check``, ``--fix``, the server,
the workers).

Analysis allocates millions of small, long-lived objects (syntax trees, scopes, summaries) and
frees few of them until a file is done. CPython's default schedule (a young collection every 700
net allocations, older ones every 10 of those) then scans the same growing older generations
again and again: on a 1 MB module, parsing it a second time took twice as long as the first
time, and ``--fix`` spent about 40% of its CPU in the collector
(``benchmarks/fix_scaling.py``). Collections every 50,000 allocations keep reference cycles
collected (memory stays bounded) at a small part of that cost. Objects alive after the imports
(modules, rule tables, knowledge) are frozen out of the collector's sight: they live as long as
the process.

Not applied where asynclint runs inside another program's process (the flake8 plugin, the
runtime hooks): their collector is theirs.
"""

from __future__ import annotations

import gc

YOUNG = 50_000
MIDDLE = 20
OLD = 100


def for_analysis() -> None:
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)

