"""Score asynclint on the real-bug benchmark: recall on the buggy restatements, false alarms on the fixed ones.

Each case of ``cases.toml`` is linted as its own project (copied to a temporary directory, so
its modules resolve among themselves and nothing else): the buggy tree must get a finding on
the line marked ``# realbug``; the fixed tree (``cases/<id>/fixed/``, or the buggy tree with the
marked line replaced by the case's ``fixed``) must get no finding at all.

    python benchmarks/realbugs/score.py                  # table per shape, then the misses
    python benchmarks/realbugs/score.py --markdown       # the same as markdown, for docs
    python benchmarks/realbugs/score.py --json out.json  # per-case results
    python benchmarks/realbugs/score.py --asynclint "/other/venv/bin/asynclint"   # another build
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MARK = "# realbug"


@dataclass
class Case:
    id: str
    repo: str
    commit: str
    file: str
    bug: str
    shape: str
    known_by: str
    fixed: str | None = None
    date: str = ""

    @property
    def root(self) -> Path:
        return HERE / "cases" / self.id


@dataclass
class Result:
    case: Case
    detected: bool = False
    codes: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_cases(path: Path = HERE / "cases.toml") -> list[Case]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return [Case(**row) for row in data["case"]]


def marked_line(tree: Path) -> tuple[Path, int]:
    """The one line marked as the bug in ``tree``: (file relative to tree, 1-based line)."""
    hits = [
        (p.relative_to(tree), n)
        for p in sorted(tree.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if line.rstrip().endswith(MARK)
    ]
    if len(hits) != 1:
        raise ValueError(f"{tree}: expected exactly one line marked {MARK!r}, found {len(hits)}")
    return hits[0]


def write_fixed(case: Case, dest: Path) -> None:
    """The fixed restatement, into ``dest``."""
    if (case.root / "fixed").is_dir():
        shutil.copytree(case.root / "fixed", dest)
        return
    if case.fixed is None:
        raise ValueError(f"{case.id}: neither `fixed` nor a fixed/ directory")
    buggy = case.root / "buggy"
    shutil.copytree(buggy, dest)
    rel, lineno = marked_line(buggy)
    lines = (dest / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    old = lines[lineno - 1]
    indent = old[: len(old) - len(old.lstrip())]
    lines[lineno - 1] = f"{indent}{case.fixed}  {MARK}\n"
    (dest / rel).write_text("".join(lines), encoding="utf-8")


def lint(tree: Path, command: list[str], extra: list[str]) -> tuple[list[dict], str]:
    """asynclint's findings on ``tree`` (run from inside it, so it is the project root)."""
    proc = subprocess.run(
        [*command, "check", "--format", "json", "--no-cache", *extra, "."],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        return [], proc.stderr.strip() or f"exit {proc.returncode}"
    findings = json.loads(proc.stdout or "[]")
    for f in findings:
        f["path"] = str((tree / f["path"]).resolve().relative_to(tree.resolve()))
    return findings, proc.stderr.strip() if proc.returncode == 2 else ""


def score_case(case: Case, command: list[str], extra: list[str]) -> Result:
    result = Result(case)
    with tempfile.TemporaryDirectory(prefix=f"realbug-{case.id}-") as tmp:
        buggy, fixed = Path(tmp) / "buggy", Path(tmp) / "fixed"
        shutil.copytree(case.root / "buggy", buggy)
        write_fixed(case, fixed)
        rel, lineno = marked_line(buggy)
        findings, err = lint(buggy, command, extra)
        if err:
            result.errors.append(f"buggy: {err}")
        hits = [f for f in findings if f["path"] == str(rel) and f["line"] == lineno]
        result.detected = bool(hits)
        result.codes = sorted({f["code"] for f in hits})
        findings, err = lint(fixed, command, extra)
        if err:
            result.errors.append(f"fixed: {err}")
        result.false_alarms = [f"{f['path']}:{f['line']} {f['code']}" for f in findings]
    return result


def summarise(results: list[Result]) -> list[tuple[str, int, int, int]]:
    """(shape, cases, detected, fixed cases with a finding) per shape, then the total."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in results:
        row = per[r.case.shape]
        row[0] += 1
        row[1] += r.detected
        row[2] += bool(r.false_alarms)
    rows = [(shape, *per[shape]) for shape in sorted(per)]
    rows.append(("total", *(sum(r[i] for r in rows) for i in (1, 2, 3))))
    return rows


def render_text(results: list[Result]) -> str:
    out = [f"{'shape':<32} {'cases':>5} {'found':>5} {'recall':>7} {'false alarms':>12}"]
    for shape, n, found, fa in summarise(results):
        out.append(f"{shape:<32} {n:>5} {found:>5} {found / n:>7.0%} {fa:>12}")
    misses = [r for r in results if not r.detected]
    if misses:
        out.append("\nmissed:")
        out += [f"  {r.case.id:<32} {r.case.shape:<30} {r.case.known_by}" for r in misses]
    alarms = [r for r in results if r.false_alarms]
    if alarms:
        out.append("\nfindings on fixed versions:")
        out += [f"  {r.case.id:<32} {', '.join(r.false_alarms)}" for r in alarms]
    errors = [r for r in results if r.errors]
    if errors:
        out.append("\nerrors:")
        out += [f"  {r.case.id}: {'; '.join(r.errors)}" for r in errors]
    return "\n".join(out)


def render_markdown(results: list[Result]) -> str:
    out = ["| shape | cases | found | recall | fixed versions flagged |", "| --- | ---: | ---: | ---: | ---: |"]
    for shape, n, found, fa in summarise(results):
        name = f"**{shape}**" if shape == "total" else f"`{shape}`"
        out.append(f"| {name} | {n} | {found} | {found / n:.0%} | {fa} |")
    misses = [r for r in results if not r.detected]
    if misses:
        out += ["", "Missed:", ""]
        out += [f"- `{r.case.id}` ({r.case.shape}): {r.case.known_by}" for r in misses]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--asynclint", default=f"{shlex.quote(sys.executable)} -m asynclint", help="command that runs asynclint")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table (for docs)")
    parser.add_argument("--json", type=Path, help="write per-case results to this file")
    parser.add_argument("--only", action="append", default=[], help="score only these case ids")
    parser.add_argument("--jobs", type=int, default=2, help="cases linted at once (default 2)")
    parser.add_argument("extra", nargs="*", help="extra asynclint options, after `--` (e.g. -- --select ASL2)")
    args = parser.parse_args(argv)
    cases = [c for c in load_cases() if not args.only or c.id in args.only]
    command = shlex.split(args.asynclint)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: score_case(c, command, args.extra), cases))
    print(render_markdown(results) if args.markdown else render_text(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"id": r.case.id, "shape": r.case.shape, "detected": r.detected, "codes": r.codes,
                     "false_alarms": r.false_alarms, "errors": r.errors}
                    for r in results
                ],
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
