"""ASL100: a ``# noqa`` code that suppresses nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from asynclint.finding import Edit, Finding, Fix
from asynclint.rule import Example, Rule


class UnusedNoqa(Rule):
    code = "ASL100"
    name = "unused-noqa"
    summary = "A `# noqa` code that suppresses nothing"
    opt_in = True
    fix = "safe"
    fix_note = "Removes the unused codes; the whole `# noqa` comment when none is left (an explanation after it goes with it, another comment after it stays)."
    doc = """
    ## What it does
    Reports the codes of `# noqa: ...` comments that suppress no asynclint finding on their
    line: the problem was fixed or the line moved, and the comment stayed. Also reports `ASL`
    codes that no rule has (`# noqa: ASL999`), which suppress nothing.

    Only asynclint's own codes are judged: codes of other tools (`E501`, `BLE001`) and bare
    `# noqa` comments (which may be there for another tool) are left alone. A code of a rule
    that is not selected for the file counts as unused (as ruff's RUF100 counts it), since
    asynclint does not report it there. The file-level `# asynclint: noqa` is not checked.

    Not in the default selection: turn it on with `extend-select = ["ASL100"]` (or
    `--extend-select ASL100`), for instance in a periodic clean-up job. It is a check of the
    `asynclint` command: under flake8, flake8 applies `# noqa` itself and asynclint never sees
    the comments (the flake8-noqa plugin does this job there).

    ## Why is this bad?
    A stale `# noqa` hides the next real finding on that line, and it tells readers that the
    line has a problem it no longer has.

    ## Instead
    Remove the code (`asynclint --extend-select ASL100 --fix` does it).
    """
    bad = (
        Example(
            """
            import asyncio

            async def poll():
                await asyncio.sleep(1)  # noqa: ASL101  # expect: ASL100
            """,
            fixed="""
            import asyncio

            async def poll():
                await asyncio.sleep(1)
            """,
            title="The blocking call was fixed; its noqa stayed",
            select=("ASL101",),
        ),
        Example(
            """
            import time

            async def poll():
                time.sleep(1)  # noqa: ASL101, ASL102, E501  # expect: ASL100
            """,
            fixed="""
            import time

            async def poll():
                time.sleep(1)  # noqa: ASL101, E501
            """,
            title="One code of several is unused; codes of other tools stay",
            select=("ASL101", "ASL102"),
        ),
    )
    good = (
        Example(
            """
            import time

            async def warm_up():
                time.sleep(0.01)  # noqa: ASL101 - a short pause before the loop serves anyone
                print("ok")  # noqa: T201 (another tool's code)
                print("ok")  # noqa
            """,
            select=("ASL101",),
        ),
    )


def _unused_message(codes: Sequence[str], unknown: Sequence[str], all_unused: bool) -> str:
    parts = []
    if codes:
        parts.append(f"unused: {', '.join(codes)}")
    if unknown:
        parts.append(f"unknown: {', '.join(unknown)}")
    what = "`# noqa` directive" if all_unused else "`# noqa` codes"
    return f"Unused {what} ({'; '.join(parts)})"


def _removal(d, drop: set[str]) -> Edit:
    """The edit that takes ``drop`` out of directive ``d``."""
    keep = [c for c in d.codes if c.code not in drop]
    first, last = d.codes[0], d.codes[-1]
    if keep:
        return Edit(d.line, first.column + 1, d.line, last.end_column + 1, ", ".join(c.code for c in keep))
    # The whole directive goes, with the blanks before it (unless it starts the line). Text
    # after its codes is an explanation that goes too, unless it is another comment ('#').
    start = d.column if d.first_on_line else d.column - d.space_before
    end = d.end_column
    if d.after.strip() and not d.after.lstrip().startswith("#"):
        end = d.comment_end
    elif d.after.strip():
        start = d.column
        end += len(d.after) - len(d.after.lstrip())
    return Edit(d.line, start + 1, d.line, end + 1, "")


def check_file(path: str, result, known: frozenset[str]) -> list[Finding]:
    """Sort the file's findings (before noqa) into those no noqa suppresses (returned) and add
    ASL100's for the codes that suppressed nothing. ``result``: the file's pass-1 result, with
    its suppressions and directives."""
    from asynclint.suppression import ALL

    sup = result.suppressions
    used: dict[int, set[str]] = defaultdict(set)
    kept = []
    for f in result.findings:
        if sup.suppresses(f.line, f.code):
            used[f.line].add(f.code)
        else:
            kept.append(f)
    if ALL in sup.file_codes:
        return kept
    for d in result.noqa_directives:
        if d.blanket or not d.codes:
            continue
        unused = [c.code for c in d.codes if c.code.startswith("ASL") and c.code in known and c.code != UnusedNoqa.code and c.code not in used[d.line]]
        unknown = [c.code for c in d.codes if c.code.startswith("ASL") and c.code not in known]
        if not unused and not unknown:
            continue
        drop = set(unused) | set(unknown)
        finding = Finding(
            path,
            d.line,
            d.column + 1,
            d.line,
            d.end_column + 1,
            UnusedNoqa.code,
            UnusedNoqa.name,
            _unused_message(unused, unknown, all(c.code in drop for c in d.codes)),
            Fix("safe", (_removal(d, drop),), "Remove the unused `noqa` codes"),
        )
        if not sup.suppresses(d.line, UnusedNoqa.code):
            kept.append(finding)
    return kept
