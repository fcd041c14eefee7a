"""What the libcst fallback parser costs (files in syntax newer than the running Python), and
that files ``ast`` reads pay nothing for it.

    python benchmarks/fallback_parse.py [--corpus /work/corpus/mid] [--every 1]

On the pinned corpus (real code, all of it readable by ``ast`` on 3.10+), each file is read
twice: as it is, and with one line of syntax this interpreter cannot parse appended (a PEP 695
``type`` alias before 3.12, a PEP 750 t-string on 3.12-3.13), so it takes the libcst path with
real code around that line. Files in the corpus that already need the fallback are counted
and measured as they are.

Measured, in CPU seconds per 1,000 lines (``time.process_time``: the machine is shared, and
wall time is not what one file costs), cold (no asynclint cache, each file parsed once):

- ``ast.parse`` alone, and ``source.parse`` on the same files (the fallback only runs on a
  SyntaxError: the two must match);
- the fallback parse: ``ast.parse`` failing, libcst's parse, the conversion to ``ast`` nodes;
- the whole per-file analysis (``Linter.lint_bytes``: parse, semantics, every default rule) on
  the ``ast`` path and on the fallback path;
- the one-time import of libcst and the converter, in a fresh interpreter;
- whether linting every ``ast``-readable file imports libcst at all (it must not).

The output is markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import ast
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = [
    "\ntype _AsynclintBenchAlias[T] = list[T]\n",  # PEP 695, 3.12
    '\n_asynclint_bench_template = t"{0}"\n',  # PEP 750, 3.14
]


def marker() -> str:
    for m in MARKERS:
        try:
            ast.parse(m)
        except SyntaxError:
            return m
    sys.exit("this Python parses every marker: nothing here needs the fallback")


def per_kloc(seconds: float, lines: int) -> str:
    return f"{seconds / lines * 1000 * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="/work/corpus/mid")
    ap.add_argument("--every", type=int, default=1, help="take every Nth file (default: all)")
    args = ap.parse_args()

    from asynclint.config import Config
    from asynclint.engine import Linter
    from asynclint.source import CannotAnalyse, decode, parse, via_libcst

    # The one-time import, in a fresh interpreter (the rest runs warm in this process).
    probe = "import time; t = time.process_time(); import libcst, asynclint.cst_to_ast; print(time.process_time() - t)"
    imports = min(float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout) for _ in range(3))
    lint_only = (
        "import sys; from pathlib import Path\n"
        "from asynclint.config import Config; from asynclint.engine import Linter\n"
        "linter = Linter(Config())\n"
        "for p in sys.argv[1:]: linter.lint_path(p)\n"
        "print('libcst' in sys.modules)\n"
    )

    files = sorted(Path(args.corpus).rglob("*.py"))[:: args.every]
    texts: list[str] = []
    native: list[str] = []
    for p in files:
        try:
            text = decode(p.read_bytes())
        except (OSError, CannotAnalyse):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
            texts.append(text)
        except SyntaxError:
            native.append(text)
        except (ValueError, RecursionError, MemoryError):
            continue
    extra = marker()
    newer = [t + extra for t in texts]
    lines = sum(t.count("\n") + 1 for t in texts)
    newer_lines = sum(t.count("\n") + 1 for t in newer)

    def clock(fn, items) -> float:
        start = time.process_time()
        for item in items:
            fn(item)
        return time.process_time() - start

    def plain(text: str) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)

    def ours(text: str) -> None:
        parse(text, "x.py")

    ok_fallback = 0

    def fallback(text: str) -> None:
        nonlocal ok_fallback
        try:
            ok_fallback += via_libcst(parse(text, "x.py"))
        except CannotAnalyse:
            pass

    linter = Linter(Config())

    def lint(text: str) -> None:
        linter.lint_bytes(text, "x.py", "x.py")

    parse(newer[0], "x.py")  # libcst imported before timing (its import is reported apart)
    t_ast = clock(plain, texts)
    t_ours = clock(ours, texts)
    t_fallback = clock(fallback, newer)
    t_lint_ast = clock(lint, texts)
    t_lint_fallback = clock(lint, newer)
    native_ok = 0
    if native:
        native_lines = sum(t.count("\n") + 1 for t in native)
        before = ok_fallback
        t_native = clock(fallback, native)
        native_ok = ok_fallback - before
    # Linting every ast-readable file in a fresh process must not import libcst.
    sample = [str(p) for p in files[:200]]
    imported = subprocess.run([sys.executable, "-c", lint_only, *sample], capture_output=True, text=True, check=True).stdout.strip()

    print(f"Python {platform.python_version()}, {platform.machine()}; corpus {args.corpus} ({len(texts)} files, {lines:,} lines"
          f"{'' if args.every == 1 else f', every {args.every}th file'}); marker appended: `{extra.strip()}`; "
          f"{ok_fallback - native_ok} of {len(newer)} marked files read through libcst.\n")
    print("| CPU per 1,000 lines (cold, no cache) | ast path | libcst fallback | ratio |")
    print("| --- | --- | --- | --- |")
    print(f"| parse | {per_kloc(t_ast, lines)} (`ast.parse`) / {per_kloc(t_ours, lines)} (`source.parse`) | {per_kloc(t_fallback, newer_lines)} | {t_fallback / newer_lines / (t_ast / lines):.1f}x |")
    print(f"| whole per-file analysis (parse + semantics + default rules) | {per_kloc(t_lint_ast, lines)} | {per_kloc(t_lint_fallback, newer_lines)} | {t_lint_fallback / newer_lines / (t_lint_ast / lines):.1f}x |")
    print(f"\nOne-time import of libcst and the converter (CPU, fresh interpreter, best of 3): {imports * 1000:.0f} ms.")
    print(f"libcst imported while linting {len(sample)} ast-readable files in a fresh process: {imported}.")
    if native:
        print(f"Files of the corpus that need the fallback as they are: {len(native)} ({native_lines:,} lines), {native_ok} read through libcst, {per_kloc(t_native, native_lines)} per 1,000 lines.")
    else:
        print("Files of the corpus that need the fallback as they are: none.")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
