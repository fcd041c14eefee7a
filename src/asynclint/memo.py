"""Pass 2's output, kept per file with what it was computed from, so a run after an edit
re-settles only what the edit can have changed.

Pass 2 settles deferred call sites against the project index; it needs every file's summary
and deferred records, and the rules that settle them. One small file per (configuration,
scope) (``pass2-<config>-<scope>.pickle`` in the cache directory; the scope is the paths the
CLI was asked to lint, or the exact file list for API callers) keeps, for every linted file:

- its path, display path, stat stamp, content digest and per-file-ignore key (as the
  per-file index keeps them);
- its module name and the fingerprint of its module summary (what other files can see of it);
- the module names pass 2 read while settling its call sites (``ProjectIndex`` records them,
  found or not);
- its final findings (pass 1 and pass 2, after noqa) and its errors;

and, for the modules pass 2 read from outside the run, the file each resolved to (path, stamp,
digest), or None when there was none.

A run whose every input still matches takes all findings from it (``MemoState.unchanged``):
it does not open the per-file index, unpickles no summary or deferred call site, and imports
no rule and no project index. When some files changed (or entered or left the scope),
``engine`` lints just those, and re-settles them plus the files that read a module whose
summary fingerprint changed, a module whose file entered or left the scope, or an outside
module that changed; every other file keeps its findings from here. The
configuration, asynclint's own code and the project root are in the cache key already; the
exclude patterns (which decide what the project offers pass 2) are hashed into the file name.
Anything unreadable or corrupt is a miss: the ordinary path runs and rewrites the memo.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Sequence

from asynclint.atomic import replace_atomically
from asynclint.cache import digest, make_directory, stamp_of
from asynclint.cache_trust import seal, unseal

FORMAT = 2
# Memos of other file sets (pre-commit passes a different list each commit) and configurations.
_KEEP_COUNT = 8


class Record(NamedTuple):
    """What the memo keeps of one linted file."""

    path: str  # absolute
    display: str
    stamp: Any  # (size, mtime_ns) or None
    digest: bytes
    file_key: tuple
    module: str | None  # of its summary; None when it has none
    summary_digest: bytes | None
    reads: frozenset  # module names pass 2 read for its call sites
    findings: list
    errors: list


@dataclass
class MemoState:
    """The memo of this run's scope, checked against the files as they are now. ``records``
    follows the run's items; a file new to the scope has None."""

    path: Path
    records: list[Record | None]  # restamped where only the stat changed
    outside: dict  # module -> (path, stamp, digest) | None
    changed: list[int] = field(default_factory=list)  # items new to the scope, or whose content or per-file key changed
    outside_changed: set[str] = field(default_factory=set)  # outside modules that changed or appeared
    removed: set[str] = field(default_factory=set)  # modules of files that left the scope
    restamped: bool = False

    @property
    def unchanged(self) -> bool:
        return not self.changed and not self.outside_changed and not self.removed

    def findings(self) -> list:
        from asynclint.finding import Finding

        return sorted((f for r in self.records if r is not None for f in r.findings), key=Finding.sort_key)


def memo_path(cache: Any, scope: Sequence[str] | Sequence[tuple[str, str]]) -> Path:
    """One memo per configuration and scope: the paths the run was asked to lint (the CLI's
    arguments, so a file added under ``src/`` is a change to the same memo), or, for API
    callers that give none, the exact list of (path, display) items."""
    h = hashlib.blake2b(digest_size=12)
    h.update(repr((FORMAT, cache.key, cache.config.exclude, cache.config.extend_exclude)).encode())
    for entry in scope:
        if isinstance(entry, tuple):
            entry = f"{os.path.abspath(entry[0])}\0{entry[1]}"
        else:
            entry = "scope\0" + os.path.abspath(entry)
        h.update(f"{entry}\0".encode("utf-8", "surrogateescape"))
    return cache.directory / f"pass2-{cache.key}-{h.hexdigest()}.pickle"


def load(cache: Any, items: Sequence[tuple[str, str]], project_root: Path | None, scope: Sequence[str] | None = None) -> MemoState | None:
    """The memo of this run's scope, with what changed since it was written (files edited,
    added to or gone from the scope, outside modules); None when there is none (or it cannot
    be read)."""
    path = memo_path(cache, scope if scope is not None else items)
    try:
        with open(path, "rb") as f:
            payload = unseal(f.read())
        if payload is None:  # not sealed with our key: never unpickled
            return None
        fmt, records, outside = pickle.loads(payload)
        if fmt != FORMAT:
            return None
        by_path = {rec.path: rec for rec in records}
        if len(by_path) != len(records):
            return None
        state = MemoState(path, [], outside)
        now = time.time()
        for i, (p, display) in enumerate(items):
            rec = by_path.pop(os.path.abspath(p), None)
            if rec is None or rec.display != display:
                if rec is not None and rec.module:
                    state.removed.add(rec.module)
                state.changed.append(i)
                state.records.append(None)
                continue
            if rec.file_key != cache.file_key(p):
                state.changed.append(i)
            else:
                st = os.stat(p)
                if rec.stamp is None or rec.stamp != (st.st_size, st.st_mtime_ns):
                    if _content_digest(p) != rec.digest:
                        state.changed.append(i)
                    else:
                        new_stamp = stamp_of(st, now)
                        if new_stamp != rec.stamp:
                            rec = rec._replace(stamp=new_stamp)
                            state.restamped = True
            state.records.append(rec)
        state.removed.update(rec.module for rec in by_path.values() if rec.module)
        if outside:
            state.outside_changed = _outside_changed(outside, project_root, cache.config)
    except Exception:  # noqa: BLE001 - missing, corrupt, or a file that went away: a miss
        return None
    if state.unchanged and state.restamped:
        write(cache, state.path, state.records, state.outside)
    return state


def record_for(cache: Any, path: str, result: Any, reads: frozenset) -> Record | None:
    """The memo record of a file this run linted or re-settled (None: not keyed in the cache)."""
    entry = cache.entry_for(path)
    if entry is None:
        return None  # unreadable or unhashed: nothing would key it
    e_display, e_stamp, e_digest, e_file_key, _blob = entry
    summary = result.summary
    return Record(
        os.path.abspath(path),
        e_display,
        e_stamp,
        e_digest,
        e_file_key,
        summary.module if summary is not None else None,
        getattr(result, "summary_digest", None),
        reads,
        list(result.findings),
        list(result.errors),
    )


def save(cache: Any, items: Sequence[tuple[str, str]], results: Sequence[Any], reads: Sequence[frozenset], scope: Sequence[str] | None = None) -> None:
    """Keep this run's pass-2 output, when every input is known (each file cached by content,
    every summary pass 2 read from outside the run accounted for)."""
    if cache.deps_unsure or len(results) != len(items) or len(reads) != len(items):
        return
    records = []
    for (path, _display), result, r in zip(items, results, reads):
        rec = record_for(cache, path, result, r)
        if rec is None:
            return
        records.append(rec)
    write(cache, memo_path(cache, scope if scope is not None else items), records, dict(cache.deps))


def _content_digest(path: str) -> bytes:
    with open(path, "rb") as f:
        return digest(f.read())


def _outside_changed(outside: dict, project_root: Path | None, config: Any) -> set[str]:
    """The outside modules whose file changed, went away, or (for names that had none) appeared."""
    if project_root is None:
        return set(outside)
    from asynclint.project.discovery import ModuleLoader

    loader = ModuleLoader(project_root, config)
    out: set[str] = set()
    for module, dep in outside.items():
        try:
            found = loader.locate(module)
            if dep is None:
                if found is not None:
                    out.add(module)
                continue
            if found is None or os.path.abspath(found[0]) != dep[0]:
                out.add(module)
                continue
            dep_path, dep_stamp, dep_digest = dep
            st = os.stat(dep_path)
            if dep_stamp != (st.st_size, st.st_mtime_ns) or time.time() - st.st_mtime < 2.0:
                if _content_digest(dep_path) != dep_digest:
                    out.add(module)
        except OSError:
            out.add(module)
    return out


def write(cache: Any, path: Path, records: list[Record], outside: dict) -> None:
    """Atomically (temporary file + replace): a concurrent reader sees the old memo or the new."""
    try:
        data = seal(pickle.dumps((FORMAT, records, outside), protocol=pickle.HIGHEST_PROTOCOL))
        make_directory(cache.directory)
        replace_atomically(path, data, prefix=".pass2-")
        _prune(cache.directory, path)
    except Exception:  # noqa: BLE001 - the memo is an optimisation; the index warns about writes
        pass


def _prune(directory: Path, current: Path) -> None:
    found = sorted(((p.stat().st_mtime, p) for p in directory.glob("pass2-*.pickle") if p != current), reverse=True)
    for _mtime, p in found[_KEEP_COUNT - 1 :]:
        p.unlink(missing_ok=True)
