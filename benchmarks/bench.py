"""Benchmark asynclint against ruff and flake8 + flake8-async on the pinned real-world corpus.

    CORPUS=/path/to/asl-corpus bash ../shared/bench/corpus.sh      # once: mid/ and big/
    python benchmarks/bench.py --corpus /path/to/asl-corpus [--libcst-seconds 42.0]

Every command runs in its own subprocess under a small measuring parent, so CPU time (user +
system) and peak memory (ru_maxrss, the largest single process) are those of that tool and
of its own worker processes only. asynclint runs cold (``--no-cache``), warm (every file a
cache hit) and after one file was edited; ruff runs with ``--select ASYNC,RUF006
--no-cache``; flake8 with flake8-async runs with ``--select ASYNC`` in a virtualenv of its
own (so no other flake8 plugin, asynclint's included, adds to its time) on a ~50k-line subset
of each tree, and asynclint runs on the same subset for a like-for-like ratio; its time for
the whole tree is extrapolated by line count, and the table says so. The yardstick of the
cold target, libcst's parse time for the same files on one core, is measured once (a minute
on mid/) and can be reused with ``--libcst-seconds``.

The output is markdown: paste it into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# ~50k lines each: the subset the issue measured flake8 on, and its counterpart in big/.
FLAKE8_SUBSETS = {
    "mid": ["aiohttp", "httpx", "starlette", "uvicorn"],
    "big": [
        "homeassistant/homeassistant/helpers",
        "homeassistant/homeassistant/util",
        "homeassistant/homeassistant/auth",
        "homeassistant/homeassistant/core.py",
        "homeassistant/homeassistant/config_entries.py",
    ],
}
FLAKE8_PINS = ("flake8==7.5.0", "flake8-async==26.8.1")


# ---------------------------------------------------------------------- measuring
def _measure_child(argv: list[str]) -> None:
    """Runs in the measuring parent: one command, then its wall time and rusage as JSON."""
    t0 = time.perf_counter()
    rc = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_kb = ru.ru_maxrss if sys.platform != "darwin" else ru.ru_maxrss // 1024
    print(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": rss_kb / 1024, "rc": rc}))


def measure(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--_measure", *argv],
        cwd=cwd, env=env, capture_output=True, text=True, check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {result['rc']}")
    return result


def median_of(n: int, fn) -> dict:
    runs = [fn() for _ in range(n)]
    return min(runs, key=lambda r: abs(r["wall"] - statistics.median(x["wall"] for x in runs)))


# ---------------------------------------------------------------------- the corpus
def py_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_file():
            out.append(p)
            continue
        for d, dirs, files in os.walk(p):
            dirs[:] = sorted(x for x in dirs if not x.startswith(".") and x != "__pycache__")
            out.extend(Path(d) / f for f in sorted(files) if f.endswith(".py"))
    return out


def count_lines(files: list[Path]) -> int:
    return sum(f.read_bytes().count(b"\n") for f in files)


def libcst_seconds(files: list[Path]) -> float:
    """CPU seconds libcst needs to parse ``files`` on one core (in a fresh process)."""
    listing = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    listing.write("\n".join(map(str, files)))
    listing.close()
    code = (
        "import sys, libcst\n"
        "for p in open(sys.argv[1]).read().splitlines():\n"
        "    try:\n"
        "        libcst.parse_module(open(p, 'rb').read())\n"
        "    except Exception:\n"
        "        pass\n"
    )
    r = measure([sys.executable, "-c", code, listing.name])
    os.unlink(listing.name)
    return r["cpu"]


def flake8_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    venv = Path(tempfile.gettempdir()) / "asynclint-bench-flake8"
    exe = venv / "bin" / "flake8"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *FLAKE8_PINS], check=True)
    return [str(exe)]


# ---------------------------------------------------------------------- asynclint specifics
def cache_stats_after_edit(asynclint_py: str, tree: Path, target: Path, cache_dir: Path) -> dict:
    """Edit ``target`` once more and lint through the API: how many files were parsed."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from asynclint.config import load_config\n"
        "from asynclint.engine import lint_files\n"
        "from asynclint.files import discover, find_project_root\n"
        "cfg = load_config(overrides={'cache-dir': sys.argv[2]})\n"
        "items = discover([sys.argv[1]], cfg).files\n"
        "run = lint_files(items, cfg, find_project_root([sys.argv[1]]))\n"
        "s = run.cache_stats\n"
        "print(json.dumps({'hits': s.hits, 'hashed_hits': s.hashed_hits, 'parsed': s.misses, 'files': len(items)}))\n"
    )
    original = target.read_bytes()
    st = target.stat()
    try:
        target.write_bytes(original + b"\n# asynclint-bench: edited again\n")
        out = subprocess.run([asynclint_py, "-c", code, str(tree), str(cache_dir)], capture_output=True, text=True, check=True)
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    return json.loads(out.stdout.strip().splitlines()[-1])


def per_file_codes(python: str) -> tuple[list[str], list[str]]:
    code = (
        "from asynclint.registry import all_rules\n"
        "from asynclint.config import Config\n"
        "on = Config().enabled_codes()\n"
        "print(' '.join(r.code for r in all_rules() if r.code in on and not r.project_wide))\n"
        "print(' '.join(r.code for r in all_rules() if r.code in on and r.project_wide))\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    return out[0].split(), (out[1].split() if len(out) > 1 else [])


# ---------------------------------------------------------------------- the run
def fmt_s(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_measure":
        _measure_child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.environ.get("CORPUS") or str(Path(tempfile.gettempdir()) / "asl-corpus"))
    ap.add_argument("--trees", default="mid,big")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--libcst-seconds", type=float, help="reuse a measured libcst parse time of mid/ (one core)")
    ap.add_argument("--flake8", help="flake8 executable whose environment holds flake8-async and no other plugin")
    ap.add_argument("--skip-flake8", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the cheap measurements (warm, touched); the median is shown")
    ap.add_argument("--cold-repeat", type=int, default=1, help="cold runs of each tree; the median is shown (default 1)")
    ap.add_argument(
        "--skip-index-overhead", action="store_true",
        help="skip the project index's share of a cold run on big/ (nine more cold runs with the default --repeat)",
    )
    args = ap.parse_args()

    corpus = Path(args.corpus)
    py = sys.executable
    asynclint = [py, "-m", "asynclint"]
    env = {k: v for k, v in os.environ.items() if k not in ("ASYNCLINT_CACHE_DIR", "CI")}
    ruff = shutil.which("ruff") or str(Path(py).parent / "ruff")
    f8 = None if args.skip_flake8 else flake8_command(args.flake8)

    version = subprocess.run([*asynclint, "--version"], capture_output=True, text=True).stdout.strip()
    ruff_version = subprocess.run([ruff, "--version"], capture_output=True, text=True).stdout.strip()
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    print("## Machine\n")
    print(f"- {os.cpu_count()} cores (`nproc`), {cpu_model}, {platform.system()} {platform.release()}")
    print(f"- Python {platform.python_version()}; {version}; {ruff_version}" + (f"; flake8 + flake8-async ({', '.join(FLAKE8_PINS)})" if f8 else ""))
    print(f"- `--jobs {args.jobs}` for asynclint; ruff and flake8 use their defaults (all cores)")
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load_start:
        print(f"- load average when the run started: {load_start[0]:.1f} (1 min), {load_start[1]:.1f} (5 min)")
    print()

    rows: list[tuple] = []
    checks: list[tuple[str, str, bool]] = []
    notes: list[str] = []
    cold_by_tree: dict[str, dict] = {}
    for tree_name in args.trees.split(","):
        tree = corpus / tree_name
        files = py_files([tree])
        lines = count_lines(files)
        label = f"{tree_name}/ ({len(files):,} files, {lines // 1000:,}k lines)"
        print(f"measuring {label} ...", file=sys.stderr)
        cache_dir = Path(tempfile.mkdtemp(prefix="asynclint-bench-cache-"))
        common = ["-q", "--format", "concise", "-j", str(args.jobs)]

        colds = [measure([*asynclint, "--no-cache", *common, str(tree)], env=env) for _ in range(args.cold_repeat)]
        # Wall and CPU medians each (a loaded machine moves them apart), the largest peak.
        cold = {m: statistics.median(r[m] for r in colds) for m in ("wall", "cpu")}
        cold["rss_mb"] = max(r["rss_mb"] for r in colds)
        if len(colds) > 1:
            notes.append(
                f"{tree_name}/ cold runs (wall s / CPU s): " + ", ".join(f"{fmt_s(r['wall'])} / {fmt_s(r['cpu'])}" for r in colds) + "."
            )
        cold_by_tree[tree_name] = cold
        fill = measure([*asynclint, "--cache-dir", str(cache_dir), *common, str(tree)], env=env)
        warm = median_of(args.repeat, lambda: measure([*asynclint, "--cache-dir", str(cache_dir), *common, str(tree)], env=env))

        target = files[len(files) // 2]
        original, st = target.read_bytes(), target.stat()
        counter = iter(range(1000))

        def touched_run() -> dict:
            target.write_bytes(original + f"\n# asynclint-bench: edit {next(counter)}\n".encode())
            return measure([*asynclint, "--cache-dir", str(cache_dir), *common, str(tree)], env=env)

        try:
            touched = median_of(args.repeat, touched_run)
        finally:
            target.write_bytes(original)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
        stats = cache_stats_after_edit(py, tree, target, cache_dir)
        rf = measure([ruff, "check", "--select", "ASYNC,RUF006", "--no-cache", "-q", str(tree)], env=env)

        cold_name = "asynclint cold (`--no-cache`)" + (f", median of {args.cold_repeat}" if args.cold_repeat > 1 else "")
        rows += [
            (label, cold_name, cold),
            (label, "asynclint cold, writing the cache", fill),
            (label, "asynclint warm (all cached)", warm),
            (label, f"asynclint, one file edited (`{target.relative_to(tree)}`)", touched),
            (label, "ruff `--select ASYNC,RUF006 --no-cache`", rf),
        ]
        notes.append(
            f"{tree_name}/, one file edited then linted through the API: {stats['parsed']} parsed, "
            f"{stats['hits'] + stats['hashed_hits']} from the cache, of {stats['files']} files."
        )
        checks.append((f"{tree_name}: one edited file means one parse", f"{stats['parsed']} parsed", stats["parsed"] == 1))

        if f8:
            subset = [tree / s for s in FLAKE8_SUBSETS.get(tree_name, [])]
            sub_files = py_files(subset)
            sub_lines = count_lines(sub_files)
            sub_label = f"{tree_name}/ subset ({len(sub_files):,} files, {sub_lines // 1000:,}k lines)"
            print(f"measuring flake8 on {sub_label} ...", file=sys.stderr)
            f8r = measure([*f8, "--select", "ASYNC", *map(str, subset)], env=env)
            al_sub = measure([*asynclint, "--no-cache", *common, *map(str, subset)], env=env)
            rows += [(sub_label, "flake8 + flake8-async `--select ASYNC`", f8r), (sub_label, "asynclint cold (`--no-cache`)", al_sub)]
            ratio = f8r["wall"] / al_sub["wall"]
            checks.append((f"{tree_name}: same, from CPU time (subset)", f"{f8r['cpu'] / al_sub['cpu']:.0f}x", f8r["cpu"] >= 20 * al_sub["cpu"]))
            est = f8r["wall"] * lines / sub_lines
            notes.append(
                f"flake8 + flake8-async on all of {tree_name}/ is extrapolated from the subset by line count "
                f"(not run): ~{est:.0f} s wall, {est / cold['wall']:.0f}x asynclint's cold {fmt_s(cold['wall'])} s."
            )
            checks.append((f"{tree_name}: >= 20x faster than flake8 + flake8-async, cold (subset, measured)", f"{ratio:.0f}x", ratio >= 20))
            checks.append((f"{tree_name}: >= 20x faster than flake8 + flake8-async, cold (whole tree, extrapolated)", f"{est / cold['wall']:.0f}x", est / cold["wall"] >= 20))

        if tree_name == "mid":
            lc = args.libcst_seconds
            if lc is None:
                print("measuring libcst's parse time (one core) ...", file=sys.stderr)
                lc = libcst_seconds(files)
                notes.append(f"libcst parse of mid/ on one core, measured in this run: {lc:.1f} s CPU.")
            else:
                notes.append(f"libcst parse of mid/ on one core: {lc:.1f} s, from an earlier run (`--libcst-seconds`).")
            checks.append(("mid: cold wall <= 0.8 x libcst parse (one core)", f"{cold['wall'] / lc:.2f} x ({fmt_s(cold['wall'])} s / {lc:.1f} s)", cold["wall"] <= 0.8 * lc))
            ideal = cold["cpu"] / args.jobs
            checks.append(("mid: same, from CPU time (cold CPU / jobs, i.e. no competing load)", f"{ideal / lc:.2f} x ({fmt_s(ideal)} s / {lc:.1f} s)", ideal <= 0.8 * lc))
            checks.append(("mid: warm <= 1.5 x ruff cold", f"{warm['wall'] / rf['wall']:.2f} x ({fmt_s(warm['wall'])} s / {fmt_s(rf['wall'])} s)", warm["wall"] <= 1.5 * rf["wall"]))
            checks.append(("mid: same, from CPU time", f"{warm['cpu'] / rf['cpu']:.2f} x ({fmt_s(warm['cpu'])} s / {fmt_s(rf['cpu'])} s)", warm["cpu"] <= 1.5 * rf["cpu"]))
        if tree_name == "big":
            checks.append(("big: one file edited < 2 s wall", f"{fmt_s(touched['wall'])} s", touched["wall"] < 2))
            checks.append(("big: one file edited < 10% of cold", f"{100 * touched['wall'] / cold['wall']:.1f}%", touched["wall"] < 0.1 * cold["wall"]))
            # On a loaded machine wall times grow with the competing load: the same from CPU time.
            checks.append(("big: one file edited < 2 s, from CPU time", f"{fmt_s(touched['cpu'])} s", touched["cpu"] < 2))
            checks.append(("big: one file edited < 10% of cold, from CPU time", f"{100 * touched['cpu'] / cold['cpu']:.1f}%", touched["cpu"] < 0.1 * cold["cpu"]))
            peak = max(r["rss_mb"] for _t, name, r in rows if name.startswith("asynclint") and _t == label)
            checks.append(("big: peak memory < 1 GiB", f"{peak:.0f} MiB", peak < 1024))
            pf, pw = per_file_codes(py)
            if args.skip_index_overhead:
                notes.append("The project index's share of a cold run was not measured (`--skip-index-overhead`).")
            elif pw:
                # Cold runs on this machine vary by 10-20% from one to the next, more than the
                # effect measured: the three configurations run interleaved, the median of each.
                print("measuring the project index overhead ...", file=sys.stderr)
                no_index_env = {**(env or os.environ), "ASYNCLINT_BENCH_WITHOUT_INDEX": "1"}
                runs: dict[str, list[dict]] = {"with": [], "without": [], "local": []}
                for _ in range(args.repeat):
                    runs["with"].append(measure([*asynclint, "--no-cache", *common, str(tree)], env=env))
                    runs["without"].append(measure([*asynclint, "--no-cache", *common, str(tree)], env=no_index_env))
                    runs["local"].append(measure([*asynclint, "--no-cache", *common, "--select", ",".join(pf), str(tree)], env=env))
                med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "rss_mb")} for k, v in runs.items()}
                n = args.repeat
                rows.append((label, f"asynclint cold, all rules (median of {n}, interleaved)", med["with"]))
                rows.append((label, f"asynclint cold, all rules without the project index: no summaries, no pass 2 (median of {n})", med["without"]))
                rows.append((label, f"asynclint cold, per-file rules only ({len(pf)} rules; not {', '.join(pw)}) (median of {n})", med["local"]))
                for m, what in (("cpu", "CPU"), ("wall", "wall")):
                    over = med["with"][m] / med["without"][m] - 1
                    checks.append((f"big: project index adds <= 25% to a cold run ({what}, medians: all rules with the index vs the same rules without it)", f"{100 * over:+.0f}%", over <= 0.25))
                for m, what in (("cpu", "CPU"), ("wall", "wall")):
                    over = med["with"][m] / med["local"][m] - 1
                    notes.append(
                        f"Project-wide rules' own per-file work plus the index, over the per-file rules only ({what}, medians): {100 * over:+.0f}% "
                        f"({fmt_s(med['with'][m])} s / {fmt_s(med['local'][m])} s)."
                    )
            else:
                notes.append("No project-wide rule is registered yet: the index overhead was not measured.")
        shutil.rmtree(cache_dir, ignore_errors=True)

    print("## Results\n")
    print("| tree | run | wall s | CPU s | peak MiB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, name, r in rows:
        print(f"| {label} | {name} | {fmt_s(r['wall'])} | {fmt_s(r['cpu'])} | {r['rss_mb']:.0f} |")
    print("\n## Targets\n")
    print("| target | measured | met |")
    print("| --- | --- | --- |")
    for name, value, ok in checks:
        print(f"| {name} | {value} | {'yes' if ok else '**no**'} |")
    if load_start:
        load_end = os.getloadavg()
        notes.append(
            f"Load average at the end: {load_end[0]:.1f} (1 min), {load_end[1]:.1f} (5 min), {load_end[2]:.1f} (15 min) "
            f"on {os.cpu_count()} cores. Above the core count, other processes competed for the CPUs and wall times "
            "grew with them; CPU times are much less affected and are the fairer comparison then."
        )
    print("\n## Notes\n")
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
