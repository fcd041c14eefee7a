"""Parity with ruff's and flake8-async's blocking-call checks on asyncio code.

The fixtures in ``tests/fixtures/peers/`` restate the peers' own test cases. The REAL tools,
as installed, run over them; their codes are mapped to ours, and:

- every line a peer flags, we flag with the mapped code, unless the line says why not
  (``# peer-only: ...``);
- every line we flag, a peer flags too, unless the line says why we go further
  (``# ours-only: ...``), so lines the peers treat as fine stay clean;
- ``# expect:`` markers pin our exact findings, and no exclusion is stale.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import lint_source

PEERS = Path(__file__).parent / "fixtures" / "peers"
FILES = sorted(PEERS.glob("*.py"))

# Peer code -> ours. ASYNC240 is ruff's pathlib/os.path check and flake8-async's os.path one.
MAPPING = {
    "ASYNC251": "ASL101",
    "ASYNC210": "ASL102",
    "ASYNC211": "ASL102",
    "ASYNC212": "ASL102",
    "ASYNC220": "ASL103",
    "ASYNC221": "ASL103",
    "ASYNC222": "ASL103",
    "ASYNC230": "ASL104",
    "ASYNC231": "ASL104",
    "ASYNC232": "ASL104",
    "ASYNC240": "ASL104",
    "ASYNC250": "ASL108",
}
OURS = tuple(sorted(set(MAPPING.values())))


def test_the_parity_mapping_is_the_one_noqa_comments_use():
    from asynclint.knowledge.peers import EQUIVALENT

    assert {k: EQUIVALENT.get(k) for k in MAPPING} == MAPPING

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,\s]+)")
_PEER_ONLY = re.compile(r"#\s*peer-only:\s*\S")
_OURS_ONLY = re.compile(r"#\s*ours-only:\s*\S")

Flags = dict[str, set[tuple[int, str]]]  # file name -> {(line, our code)}


def markers(path: Path) -> tuple[set[tuple[int, str]], set[int], set[int]]:
    expected, peer_only, ours_only = set(), set(), set()
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            expected |= {(lineno, c) for c in re.split(r"[,\s]+", m.group(1).strip()) if c}
        if _PEER_ONLY.search(line):
            peer_only.add(lineno)
        if _OURS_ONLY.search(line):
            ours_only.add(lineno)
    return expected, peer_only, ours_only


def run_ruff() -> Flags:
    cmd = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "ASYNC", "--output-format", "json", "--no-cache", *map(str, FILES)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    out: Flags = defaultdict(set)
    for d in json.loads(proc.stdout):
        if d["code"] in MAPPING:
            out[Path(d["filename"]).name].add((d["location"]["row"], MAPPING[d["code"]]))
    return out


def run_flake8() -> Flags:
    fmt = "%(path)s\t%(row)d\t%(code)s"
    cmd = [sys.executable, "-m", "flake8", "--isolated", "--jobs=1", "--select", "ASYNC", f"--format={fmt}", *map(str, FILES)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    out: Flags = defaultdict(set)
    for line in proc.stdout.splitlines():
        path, row, code = line.split("\t")
        if code in MAPPING:
            out[Path(path).name].add((int(row), MAPPING[code]))
    return out


@pytest.fixture(scope="module")
def peers() -> dict[str, Flags]:
    return {"ruff": run_ruff(), "flake8-async": run_flake8()}


def ours(path: Path) -> set[tuple[int, str]]:
    run = lint_source(path.read_text(), str(path), Config(select=OURS))
    assert not run.errors, run.errors
    return {(f.line, f.code) for f in run.findings}


def test_fixtures_exist():
    assert {p.name for p in FILES} >= {"http_calls.py", "subprocess_calls.py", "file_io.py", "sleep_and_input.py"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_peers_ran(path, peers):
    # A peer that crashed or skipped the file would make every other check here vacuous.
    for tool, flags in peers.items():
        assert flags.get(path.name), f"{tool} reported nothing mapped on {path.name}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_our_findings_are_exactly_the_markers(path):
    expected, _, _ = markers(path)
    assert sorted(ours(path)) == sorted(expected)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_what_peers_flag_we_flag(path, peers):
    _, peer_only, _ = markers(path)
    found = ours(path)
    missed = [
        (line, code, tool)
        for tool, flags in peers.items()
        for line, code in sorted(flags.get(path.name, ()))
        if (line, code) not in found and line not in peer_only
    ]
    assert not missed, f"peer findings asynclint misses (line, our code, peer): {missed}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_what_we_flag_a_peer_flags(path, peers):
    _, _, ours_only = markers(path)
    theirs = set().union(*(flags.get(path.name, set()) for flags in peers.values()))
    extra = [(line, code) for line, code in sorted(ours(path)) if (line, code) not in theirs and line not in ours_only]
    assert not extra, f"asynclint flags lines no peer flags, without an ours-only reason: {extra}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_exclusions_are_not_stale(path, peers):
    _, peer_only, ours_only = markers(path)
    found_lines = {line for line, _ in ours(path)}
    peer_lines = {line for flags in peers.values() for line, _ in flags.get(path.name, ())}
    assert not (peer_only - peer_lines), f"peer-only lines no peer flags: {sorted(peer_only - peer_lines)}"
    assert not (peer_only & found_lines), f"peer-only lines we flag: {sorted(peer_only & found_lines)}"
    assert not (ours_only - found_lines), f"ours-only lines we do not flag: {sorted(ours_only - found_lines)}"
    assert not (ours_only & peer_lines), f"ours-only lines a peer flags: {sorted(ours_only & peer_lines)}"
