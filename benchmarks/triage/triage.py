"""Precision triage on the pinned corpus: collect the default findings, draw a seeded sample,
show each sampled finding with the code around it, and score the judged TSV.

    python benchmarks/triage/triage.py collect --corpus /work/corpus --label before
        runs ``asynclint check --format json --no-cache`` (default rules) on mid/ and big/
        and writes findings-<label>.tsv here: one finding a line (site, code, message), the
        site relative to the corpus root (``mid/aiohttp/web.py:12``).
    python benchmarks/triage/triage.py sample --label before --seed 16 -n 80
        draws n findings with ``random.Random(seed).sample`` over findings-<label>.tsv (sorted
        first, so the draw depends only on the findings and the seed) and writes
        judged-<label>-s<seed>.tsv with empty verdicts to fill in (kept verdicts are kept).
        The draw is uniform, not stratified: every finding a user would see is equally likely,
        so the share of true findings estimates what a user reading the report meets.
    python benchmarks/triage/triage.py show judged-before-s16.tsv [--context 12]
        prints each sampled finding with the lines around it, for reading.
    python benchmarks/triage/triage.py score judged-before-s16.tsv [...]
        precision overall and per rule (markdown), from the verdicts TP/FP/DEBATABLE.
    python benchmarks/triage/triage.py diff --old before --new after
        findings that appeared or vanished between two collections (by site, code).
    python benchmarks/triage/triage.py population --label after [--write] [--unjudged FILE]
        every finding of findings-<label>.tsv with the verdict some judged-*.tsv here gives
        the same finding (same site, code and message: a changed message is judged again),
        scored like ``score``; the findings nobody judged yet are counted (and written to
        FILE for judging). ``--write`` keeps the result as judged-<label>-all.tsv.

Judged TSV columns: site, code, verdict (TP | FP | DEBATABLE), reason (one line, from reading
the code around the finding, not from the rule's logic), message (the finding's text).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREES = ("mid", "big")
VERDICTS = ("TP", "FP", "DEBATABLE")


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def collect(corpus: Path, label: str, extra: list[str]) -> Path:
    rows = []
    for tree in TREES:
        root = corpus / tree
        with tempfile.TemporaryDirectory(prefix="asl-triage-") as tmp:
            out = Path(tmp) / "findings.json"
            cmd = [sys.executable, "-m", "asynclint", "check", "--no-cache", "--format", "json", "-o", str(out), *extra, str(root)]
            # From a scratch directory: no project config of ours applies to the corpus.
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
            if proc.returncode not in (0, 1):
                sys.exit(f"asynclint failed on {root} (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
            for f in json.loads(out.read_text()):
                rel = os.path.relpath(f["path"], corpus)
                rows.append((f"{rel}:{f['line']}", f["code"], _clean(f["message"])))
    rows.sort(key=lambda r: (r[0].rsplit(":", 1)[0], int(r[0].rsplit(":", 1)[1]), r[1], r[2]))
    path = HERE / f"findings-{label}.tsv"
    path.write_text("".join("\t".join(r) + "\n" for r in rows))
    counts = collections.Counter(r[1] for r in rows)
    print(f"{path.name}: {len(rows)} findings; " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
    return path


def read_findings(label: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (HERE / f"findings-{label}.tsv").read_text().splitlines():
        site, code, message = line.split("\t")
        rows.append((site, code, message))
    return rows


def read_judged(path: Path) -> list[dict[str, str]]:
    rows = []
    for line in path.read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("site\t"):
            continue
        site, code, verdict, reason, message = (line.split("\t") + [""] * 5)[:5]
        rows.append({"site": site, "code": code, "verdict": verdict, "reason": reason, "message": message})
    return rows


def known_verdicts(skip: Path | None = None) -> dict[tuple[str, str, str], dict[str, str]]:
    """Every verdict in the judged-*.tsv files here, by (site, code, message): a finding whose
    message changed is not the finding that was judged. Files are read in name order; the
    population files (``-all``) first, so a verdict given in a sample wins, and
    ``judged-corrections.tsv`` last: verdicts changed on a second reading, each saying why."""
    out = {}
    paths = sorted(HERE.glob("judged-*.tsv"), key=lambda p: (p.stem == "judged-corrections", not p.stem.endswith("-all"), p.name))
    for path in paths:
        if path == skip:
            continue
        for r in read_judged(path):
            if r["verdict"] in VERDICTS:
                out[(r["site"], r["code"], r["message"])] = r
    return out


def sample(label: str, seed: int, n: int) -> Path:
    rows = sorted(read_findings(label))
    picked = random.Random(seed).sample(rows, min(n, len(rows)))
    path = HERE / f"judged-{label}-s{seed}.tsv"
    kept = {(r["site"], r["code"], r["message"]): r for r in read_judged(path)} if path.exists() else {}
    known = known_verdicts(skip=path)
    lines = [f"# sample of {len(picked)} of {len(rows)} findings in findings-{label}.tsv, seed {seed}\n", "site\tcode\tverdict\treason\tmessage\n"]
    for site, code, message in picked:
        old = kept.get((site, code, message)) or known.get((site, code, message), {})
        lines.append("\t".join((site, code, old.get("verdict", ""), old.get("reason", ""), message)) + "\n")
    path.write_text("".join(lines))
    print(f"{path.name}: {len(picked)} findings")
    return path


def show(path: Path, corpus: Path, context: int, only: str | None) -> None:
    for i, r in enumerate(read_judged(path), 1):
        if only and r["code"] != only:
            continue
        file, line = r["site"].rsplit(":", 1)
        line = int(line)
        text = (corpus / file).read_text(errors="replace").splitlines()
        print(f"=== {i}. {r['site']} {r['code']} [{r['verdict'] or '?'}] {r['message']}")
        for n in range(max(1, line - context), min(len(text), line + context) + 1):
            print(f"{'>>' if n == line else '  '}{n:5} {text[n - 1]}")


def score(paths: list[Path]) -> None:
    rows = [r for p in paths for r in read_judged(p)]
    missing = [r["site"] for r in rows if r["verdict"] not in VERDICTS]
    if missing:
        sys.exit(f"{len(missing)} findings without a verdict (TP/FP/DEBATABLE), e.g. {missing[0]}")
    by_code: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in rows:
        by_code[r["code"]][r["verdict"]] += 1
    total = collections.Counter(r["verdict"] for r in rows)

    def line(name: str, c: collections.Counter) -> str:
        n = sum(c.values())
        pct = lambda v: f"{100 * c[v] / n:.0f}%"  # noqa: E731
        return f"| {name} | {n} | {c['TP']} ({pct('TP')}) | {c['FP']} ({pct('FP')}) | {c['DEBATABLE']} ({pct('DEBATABLE')}) |"

    print("| rule | judged | true | wrong | debatable |")
    print("|---|---:|---:|---:|---:|")
    for code in sorted(by_code):
        print(line(code, by_code[code]))
    print(line("**all**", total))


def population(label: str, write: bool, unjudged: Path | None) -> None:
    rows = read_findings(label)
    out_path = HERE / f"judged-{label}-all.tsv"
    known = known_verdicts()
    lines = [f"# all {len(rows)} findings in findings-{label}.tsv with their verdicts\n", "site\tcode\tverdict\treason\tmessage\n"]
    missing = []
    for site, code, message in rows:
        r = known.get((site, code, message))
        if r is None:
            missing.append((site, code, message))
        lines.append("\t".join((site, code, r["verdict"] if r else "", r["reason"] if r else "", message)) + "\n")
    print(f"{len(rows)} findings, {len(rows) - len(missing)} judged, {len(missing)} not judged yet")
    if unjudged is not None:
        unjudged.write_text("".join("\t".join(m) + "\n" for m in missing))
    if write:
        out_path.write_text("".join(lines))
        print(f"wrote {out_path.name}")
    if not missing:
        tmp = Path(tempfile.mkstemp(suffix=".tsv")[1])
        tmp.write_text("".join(lines))
        score([tmp])
        tmp.unlink()


def diff(old: str, new: str) -> None:
    ra, rb = read_findings(old), read_findings(new)
    a = {(s, c): m for s, c, m in ra}
    b = {(s, c): m for s, c, m in rb}
    ca, cb = collections.Counter(c for _, c, _ in ra), collections.Counter(c for _, c, _ in rb)
    print("| rule | " + old + " | " + new + " |\n|---|---:|---:|")
    for code in sorted(set(ca) | set(cb)):
        print(f"| {code} | {ca[code]} | {cb[code]} |")
    print(f"| all | {sum(ca.values())} | {sum(cb.values())} |")
    for title, keys, src in (("vanished", sorted(set(a) - set(b)), a), ("appeared", sorted(set(b) - set(a)), b)):
        print(f"\n{title}: {len(keys)}")
        for k in keys:
            print(f"  {k[0]}\t{k[1]}\t{src[k]}")
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    print(f"\nmessage changed: {len(changed)}")
    gone = collections.Counter((s, c) for s, c, _ in ra) - collections.Counter((s, c) for s, c, _ in rb)
    dups = {k: n for k, n in gone.items() if k in b}
    if dups:
        print(f"\nfewer findings at the same site: {sum(dups.values())}")
        for k, n in sorted(dups.items()):
            print(f"  {k[0]}\t{k[1]}\t-{n}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--corpus", type=Path, default=Path(os.environ.get("CORPUS", "/work/corpus")))
    c.add_argument("--label", required=True)
    c.add_argument("extra", nargs="*", help="more asynclint options (after --)")
    s = sub.add_parser("sample")
    s.add_argument("--label", required=True)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("-n", type=int, default=80)
    sh = sub.add_parser("show")
    sh.add_argument("judged", type=Path)
    sh.add_argument("--corpus", type=Path, default=Path(os.environ.get("CORPUS", "/work/corpus")))
    sh.add_argument("--context", type=int, default=12)
    sh.add_argument("--code")
    sc = sub.add_parser("score")
    sc.add_argument("judged", type=Path, nargs="+")
    d = sub.add_parser("diff")
    d.add_argument("--old", required=True)
    d.add_argument("--new", required=True)
    po = sub.add_parser("population")
    po.add_argument("--label", required=True)
    po.add_argument("--write", action="store_true")
    po.add_argument("--unjudged", type=Path)
    a = ap.parse_args()
    if a.cmd == "collect":
        collect(a.corpus, a.label, a.extra)
    elif a.cmd == "sample":
        sample(a.label, a.seed, a.n)
    elif a.cmd == "show":
        show(a.judged, a.corpus, a.context, a.code)
    elif a.cmd == "score":
        score(a.judged)
    elif a.cmd == "population":
        population(a.label, a.write, a.unjudged)
    else:
        diff(a.old, a.new)


if __name__ == "__main__":
    main()
