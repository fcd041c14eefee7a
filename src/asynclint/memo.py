"""Pass 2's output, kept for the exact inputs of a run.

Pass 2 settles deferred call sites against the project index; it needs every file's summary
and deferred records, and the rules that settle them. When nothing changed since the last run
over the same files, its output cannot have changed either, so a fully warm run reads one
small file (``pass2-<config>-<files>.pickle`` in the cache directory) holding:

- for every linted file, in order: its path, display path, stat stamp, content digest and
  per-file-ignore key (the same as the per-file index keeps);
- what pass 2 read from outside the run: for each module name it asked the project for, the
  file it found (path, stamp, digest), or None when there was none;
- the run's sorted findings and each file's errors.

It is valid when every file's stat (or, failing that, content digest) and per-file key still
match, and each module name still resolves to the same unchanged file, or still to none. The
configuration, asynclint's own code and the project root are in the cache key already; the
exclude patterns (which decide what the project offers pass 2) are hashed into the file name.
Anything unreadable, corrupt or different is a miss: the ordinary cache path runs and rewrites
the memo.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any, Sequence

from asynclint.atomic import replace_atomically
from asynclint.cache import digest, stamp_of

FORMAT = 1
# Memos of other file sets (pre-commit passes a different list each commit) and configurations.
_KEEP_COUNT = 8


def memo_path(cache: Any, items: Sequence[tuple[str, str]]) -> Path:
    h = hashlib.blake2b(digest_size=12)
    h.update(repr((FORMAT, cache.key, cache.config.exclude, cache.config.extend_exclude)).encode())
    for path, display in items:
        h.update(f"{os.path.abspath(path)}\0{display}\0".encode("utf-8", "surrogateescape"))
    return cache.directory / f"pass2-{cache.key}-{h.hexdigest()}.pickle"


def load(cache: Any, items: Sequence[tuple[str, str]], project_root: Path | None) -> tuple[list, list[list]] | None:
    """(sorted findings, each item's errors) when the memo of this run's inputs still holds."""
    path = memo_path(cache, items)
    try:
        with open(path, "rb") as f:
            fmt, files, deps, errors, findings = pickle.load(f)
        if fmt != FORMAT or len(files) != len(items) or len(errors) != len(items):
            return None
        restamped = []
        now = time.time()
        for (p, display), (e_path, e_display, e_stamp, e_digest, e_file_key) in zip(items, files):
            if e_display != display or e_path != os.path.abspath(p) or e_file_key != cache.file_key(p):
                return None
            st = os.stat(p)
            if e_stamp is None or e_stamp != (st.st_size, st.st_mtime_ns):
                if not _same_content(p, e_digest):
                    return None
                e_stamp = stamp_of(st, now)
            restamped.append((e_path, e_display, e_stamp, e_digest, e_file_key))
        if deps and not _deps_hold(deps, project_root, cache.config):
            return None
    except Exception:  # noqa: BLE001 - missing, corrupt, or a file that went away: a miss
        return None
    if restamped != files:
        _write(cache, path, (FORMAT, restamped, deps, errors, findings))
    return findings, errors


def save(cache: Any, items: Sequence[tuple[str, str]], results: Sequence[Any], findings: list) -> None:
    """Keep this run's pass-2 output, when every input is known (each file cached by content,
    every summary pass 2 read from outside the run accounted for)."""
    if cache.deps_unsure or len(results) != len(items):
        return
    files = []
    for path, display in items:
        entry = cache.entry_for(path)
        if entry is None:
            return  # unreadable or unhashed: nothing would key it
        e_display, e_stamp, e_digest, e_file_key, _blob = entry
        files.append((os.path.abspath(path), e_display, e_stamp, e_digest, e_file_key))
    errors = [list(r.errors) for r in results]
    _write(cache, memo_path(cache, items), (FORMAT, files, dict(cache.deps), errors, findings))


def _same_content(path: str, want: bytes) -> bool:
    with open(path, "rb") as f:
        return digest(f.read()) == want


def _deps_hold(deps: dict, project_root: Path | None, config: Any) -> bool:
    if project_root is None:
        return False
    from asynclint.project.discovery import ModuleLoader

    loader = ModuleLoader(project_root, config)
    for module, dep in deps.items():
        found = loader.locate(module)
        if dep is None:
            if found is not None:
                return False
            continue
        if found is None or os.path.abspath(found[0]) != dep[0]:
            return False
        dep_path, dep_stamp, dep_digest = dep
        st = os.stat(dep_path)
        if dep_stamp != (st.st_size, st.st_mtime_ns) or time.time() - st.st_mtime < 2.0:
            if not _same_content(dep_path, dep_digest):
                return False
    return True


def _write(cache: Any, path: Path, payload: tuple) -> None:
    """Atomically (temporary file + replace): a concurrent reader sees the old memo or the new."""
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        cache.directory.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, data, prefix=".pass2-")
        _prune(cache.directory, path)
    except Exception:  # noqa: BLE001 - the memo is an optimisation; the index warns about writes
        pass


def _prune(directory: Path, current: Path) -> None:
    found = sorted(((p.stat().st_mtime, p) for p in directory.glob("pass2-*.pickle") if p != current), reverse=True)
    for _mtime, p in found[_KEEP_COUNT - 1 :]:
        p.unlink(missing_ok=True)
