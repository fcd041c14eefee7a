"""flake8 (``--select ASL``, asynclint's plugin) against the CLI, both cold, on the same files.

    python benchmarks/flake8_vs_cli.py [--tree /work/corpus/mid/aiogram] [--repeat 3]
        [--flake8-python /path/to/venv/bin/python]

flake8 runs every installed plugin on every file, whatever ``--select`` says; the dev
environment has flake8-async (which parses each file with libcst), so flake8 runs in a
virtualenv holding only flake8 and asynclint (``--flake8-python``; made in the temporary
directory when not given): the time is flake8's own plus asynclint's plugin. flake8's own
part (pyflakes and pycodestyle run on every file, whatever ``--select`` says) is measured with
flake8 alone in a second virtualenv (``--flake8-alone-python``), so the table also shows what
the plugin adds to a flake8 run: that is the part to compare with the CLI.

The tree is copied to a temporary directory (the cache lives at its project root, never in the
corpus); before each run the cache is deleted, so both tools parse every file. Wall time is the
median of ``--repeat`` runs of each, alternated. Target (issue 17): flake8 at most 1.5x the CLI.
Prints a markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of the tool and its worker processes: what the
    run costs on a machine shared with other work), findings."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, sum(1 for line in proc.stdout.splitlines() if "ASL" in line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", default="/work/corpus/mid/aiogram")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--flake8-python", help="python of a virtualenv with flake8 and asynclint only")
    ap.add_argument("--flake8-alone-python", help="python of a virtualenv with flake8 only")
    args = ap.parse_args()
    tree = Path(args.tree)
    with tempfile.TemporaryDirectory(prefix="asl-flake8-bench-") as tmp:
        work = Path(tmp) / tree.name
        shutil.copytree(tree, work, symlinks=True)
        if not any((work / m).exists() for m in ("pyproject.toml", "setup.cfg", ".git")):
            (work / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
        files = sum(1 for _ in work.rglob("*.py"))
        bindir = Path(sys.executable).parent
        cli = [str(bindir / "asynclint"), "--quiet", "."]
        f8py = args.flake8_python
        if not f8py:
            venv = Path(tmp) / "flake8-venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            f8py = str(venv / "bin" / "python")
            subprocess.run([f8py, "-m", "pip", "install", "-q", "flake8", "-e", str(Path(__file__).resolve().parent.parent)], check=True)
        flake8 = [f8py, "-m", "flake8", "--isolated", "--select=ASL", "."]
        alone_py = args.flake8_alone_python
        if not alone_py:
            venv = Path(tmp) / "flake8-alone-venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            alone_py = str(venv / "bin" / "python")
            subprocess.run([alone_py, "-m", "pip", "install", "-q", "flake8"], check=True)
        alone = [alone_py, "-m", "flake8", "--isolated", "--select=ASL", "."]
        times: dict[str, list[float]] = {"cli": [], "flake8": [], "alone": []}
        cpus: dict[str, list[float]] = {"cli": [], "flake8": [], "alone": []}
        found: dict[str, int] = {}
        for _ in range(args.repeat):
            for name, cmd in (("cli", cli), ("flake8", flake8), ("alone", alone)):
                shutil.rmtree(work / ".asynclint_cache", ignore_errors=True)
                t, cpu, n = timed(cmd, work)
                times[name].append(t)
                cpus[name].append(cpu)
                found[name] = n
        c, f = statistics.median(times["cli"]), statistics.median(times["flake8"])
        cc, fc = statistics.median(cpus["cli"]), statistics.median(cpus["flake8"])
        a, ac = statistics.median(times["alone"]), statistics.median(cpus["alone"])
        print(f"Tree: `{tree}` ({files} files), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, cold (cache deleted before each run), median of {args.repeat}.\n")
        print("| tool | wall (s) | CPU (s) | findings |")
        print("| --- | ---: | ---: | ---: |")
        print(f"| `asynclint .` | {c:.2f} | {cc:.2f} | {found['cli']} |")
        print(f"| `flake8 --select ASL .` (flake8 + asynclint) | {f:.2f} | {fc:.2f} | {found['flake8']} |")
        print(f"| `flake8 --select ASL .` (flake8 alone: pyflakes, pycodestyle) | {a:.2f} | {ac:.2f} | {found['alone']} |")
        print(f"| what the plugin adds to flake8 | {f - a:.2f} | {fc - ac:.2f} | |")
        print(f"\nThe plugin's part of a flake8 run / the CLI: **{(fc - ac) / cc:.2f}x** CPU, {(f - a) / c:.2f}x wall (target: at most 1.5x).")
        print(f"Whole flake8 run / the CLI: {fc / cc:.2f}x CPU, {f / c:.2f}x wall.")


if __name__ == "__main__":
    main()
