"""Per-file results cached by content, so an unchanged file is never parsed twice.

Every cache file is sealed with a per-user key and refused unsealed (``cache_trust``: a
pickle someone else wrote would run their code). One index file per (asynclint build, Python
version, configuration) holds, for every file path, its stat stamp, its content hash, the per-file part of the configuration and the
pickled pass-1 :class:`~asynclint.engine.FileResult` (findings after noqa, deferred call
sites, suppressions, module summary). Pass 2 always runs again from those results.

A warm run reads that one file, stats every path and unpickles only the entries it uses; a
stat that changed falls back to hashing the content, so ``touch`` or a checkout that rewrites
identical bytes costs a hash, not a parse. Nothing here may stop a lint run: an unreadable or
corrupt index or entry is treated as a miss and rewritten, and a cache that cannot be written
produces one warning. Two processes may run at once (pre-commit runs hooks in parallel):
writers hold a lock while they merge their new entries into what is on disk, then replace the
index atomically (temporary file + ``os.replace``), so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from asynclint import __version__
from asynclint.atomic import replace_atomically
from asynclint.cache_trust import seal, unseal
from asynclint.config import Config, cache_dir_default, warn_once

FORMAT = 1
_PACKAGE_DIR = Path(__file__).resolve().parent
# A file modified this recently may change again within the same mtime tick: keep no stamp
# for it, so the next run compares its content instead of trusting the stat.
_RACY_SECONDS = 2.0

# (size, mtime_ns) of a file when it was read; None when it must be hashed to be trusted.
Stamp = "tuple[int, int] | None"


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def stamp_of(st: os.stat_result, now: float | None = None) -> tuple[int, int] | None:
    now = time.time() if now is None else now
    if now - st.st_mtime < _RACY_SECONDS:
        return None
    return (st.st_size, st.st_mtime_ns)


def code_fingerprint() -> str:
    """asynclint's version plus the size and mtime of its own sources: an editable install
    whose rules are being edited must not be served results from the old rules."""
    h = hashlib.blake2b(digest_size=12)
    h.update(f"{FORMAT}|{__version__}|{sys.version_info[0]}.{sys.version_info[1]}|".encode())
    stack = [str(_PACKAGE_DIR)]
    entries = []
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        if e.name != "__pycache__":
                            stack.append(e.path)
                    elif e.name.endswith(".py"):
                        st = e.stat()
                        entries.append(f"{os.path.relpath(e.path, _PACKAGE_DIR)}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            continue
    h.update("\n".join(sorted(entries)).encode())
    return h.hexdigest()


def environment_fingerprint(config: Config, project_root: Path | None) -> str | None:
    """The project environment's installed libraries (their summaries answer questions)."""
    from asynclint.environment import activate_for

    env = activate_for(config, project_root)
    return env.fingerprint() if env is not None else None


def config_key(config: Config, project_root: Path | None) -> str:
    """Everything in the configuration that can change a file's pass-1 result, except the
    per-file ignores (those are part of each entry, so editing one pattern keeps the rest)."""
    parts = (
        code_fingerprint(),
        config.select,
        config.extend_select,
        config.ignore,
        config.rule_options,
        config.target_version,
        config.noqa,
        str(project_root) if project_root is not None else None,
        environment_fingerprint(config, project_root),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def resolve_cache_dir(config: Config, project_root: Path | None) -> Path:
    if config.cache_dir:
        p = Path(config.cache_dir).expanduser()
        return p if p.is_absolute() else Path(config.base_dir) / p
    return cache_dir_default(project_root if project_root is not None else Path.cwd())


class Entry:
    """What the index keeps for one path."""

    __slots__ = ("display", "stamp", "digest", "file_key", "blob")

    def __init__(self, display: str, stamp, digest: bytes, file_key: tuple, blob: bytes):
        self.display = display
        self.stamp = stamp
        self.digest = digest
        self.file_key = file_key
        self.blob = blob

    def as_tuple(self) -> tuple:
        return (self.display, self.stamp, self.digest, self.file_key, self.blob)


class Stats:
    __slots__ = ("hits", "hashed_hits", "misses", "written", "summary_hits", "summaries_computed", "pass2_memo_hit", "settled_files")

    def __init__(self) -> None:
        self.hits = 0  # stat unchanged
        self.hashed_hits = 0  # stat changed, content the same
        self.misses = 0  # linted (parsed) in this run
        self.written = False
        self.summary_hits = 0  # files not being linted whose project summary came from the cache
        self.summaries_computed = 0  # ... and those that had to be parsed for it
        self.pass2_memo_hit = False  # the findings came whole from pass 2's memo (asynclint.memo)
        self.settled_files = 0  # files whose call sites pass 2 settled in this run (the rest: from the memo)

    def __repr__(self) -> str:
        return (
            f"Stats(hits={self.hits}, hashed_hits={self.hashed_hits}, misses={self.misses}, written={self.written}, "
            f"summary_hits={self.summary_hits}, summaries_computed={self.summaries_computed}, pass2_memo_hit={self.pass2_memo_hit}, "
            f"settled_files={self.settled_files})"
        )


class Cache:
    """The cache of one run. ``lookup`` before linting, ``put`` each fresh result, ``save``."""

    enabled = True

    def __init__(self, config: Config, project_root: Path | None, directory: Path):
        self.config = config
        self.project_root = project_root
        self.directory = directory
        self.key = config_key(config, project_root)
        self.index_path = directory / f"index-{self.key}.pickle"
        self.lock_path = directory / f"index-{self.key}.lock"
        self.stats = Stats()
        self._entries_map: dict[str, tuple] = {}
        self._loaded_stamp: tuple | None = None
        self._changed: dict[str, tuple] = {}
        self._seen: set[str] = set()
        self._pfi_cache: dict[str, tuple] = {}
        self._loaded = False
        # What pass 2 read from outside the linted files, by module name: (path, stat, content digest)
        # of each summary it used, None for a name it found no file for. Pass 2's memo is valid
        # only while all of it still holds (see ``asynclint.memo``).
        self.deps: dict[str, tuple[str, tuple[int, int], bytes] | None] = {}
        self.deps_unsure = False

    # ------------------------------------------------------------------ reading
    def _load(self) -> None:
        """Read the index on first use: a run that pass 2's memo answers never needs it."""
        if self._loaded:
            return
        self._loaded = True
        entries, stamp = _read_index(self.index_path)
        self._entries_map = entries
        self._loaded_stamp = stamp

    @property
    def _entries(self) -> dict[str, tuple]:
        self._load()
        return self._entries_map

    @_entries.setter
    def _entries(self, entries: dict[str, tuple]) -> None:
        self._entries_map = entries

    def entry_for(self, path: str) -> tuple | None:
        """(display, stamp, digest, file_key, blob) now known for ``path``, or None."""
        key = os.path.abspath(path)
        return self._changed.get(key) or self._entries.get(key)

    def note_missing(self, module: str) -> None:
        self.deps.setdefault(module, None)

    def file_key(self, path: str) -> tuple:
        """The per-file ignore patterns that match ``path`` (raw, so no rule is imported)."""
        if not self.config.per_file_ignores:
            return ()
        from asynclint.config import matching_ignores

        return matching_ignores(self.config, path)

    def lookup(self, items: Sequence[tuple[str, str]]) -> list[Any]:
        """The cached FileResult for each (path, display) pair, or None where it must be linted."""
        out: list[Any] = [None] * len(items)
        self._load()
        entries = self._entries
        now = time.time()
        for i, (path, display) in enumerate(items):
            key = os.path.abspath(path)
            self._seen.add(key)
            raw = entries.get(key)
            if raw is None:
                continue
            try:
                e_display, e_stamp, e_digest, e_file_key, blob = raw
                if e_display != display or e_file_key != self.file_key(path):
                    continue
                st = os.stat(path)
                fresh = (st.st_size, st.st_mtime_ns)
                if e_stamp is None or e_stamp != fresh:
                    with open(path, "rb") as f:
                        data = f.read()
                    if digest(data) != e_digest:
                        continue
                    out[i] = pickle.loads(blob)
                    new_stamp = stamp_of(st, now)
                    if new_stamp != e_stamp:
                        self._changed[key] = (e_display, new_stamp, e_digest, e_file_key, blob)
                    self.stats.hashed_hits += 1
                else:
                    out[i] = pickle.loads(blob)
                    self.stats.hits += 1
            except Exception:  # noqa: BLE001 - a bad entry is a miss, never a crash
                self._changed.pop(key, None)
                continue
        return out

    def summary(self, path: str, display: str, module: str, is_package: bool, compute: Callable[[], Any]) -> Any:
        """The project summary of a file that is not being linted (pass 2 needs what it
        defines): from the cache when its content is unchanged, else ``compute()``d and kept.
        A full entry for the same file (from a run that linted it) serves as well."""
        self._load()
        key = os.path.abspath(path)
        skey = ("summary", key)
        self._seen.add(skey)
        want = (module, is_package)
        try:
            st = os.stat(path)
            fresh = (st.st_size, st.st_mtime_ns)
            data = None
            for k, unpack in ((skey, lambda b: pickle.loads(b)), (key, lambda b: pickle.loads(b).summary)):
                raw = self._changed.get(k) or self._entries.get(k)
                if raw is None:
                    continue
                e_display, e_stamp, e_digest, e_file_key, blob = raw
                if e_display != display or (k == skey and e_file_key != want):
                    continue
                if e_stamp is None or e_stamp != fresh:
                    if data is None:
                        with open(path, "rb") as f:
                            data = f.read()
                    if digest(data) != e_digest:
                        continue
                found = unpack(blob)
                if found is None or getattr(found, "module", module) != module:
                    continue
                if k == skey and e_stamp != stamp_of(st):
                    self._changed[skey] = (e_display, stamp_of(st), e_digest, want, blob)
                self.stats.summary_hits += 1
                self.deps[module] = (key, fresh, e_digest)
                return found
            if data is None:
                with open(path, "rb") as f:
                    data = f.read()
        except Exception:  # noqa: BLE001 - unreadable file or bad entry: compute it
            self.deps_unsure = True
            return compute()
        result = compute()
        self.stats.summaries_computed += 1
        self.deps[module] = (key, (st.st_size, st.st_mtime_ns), digest(data))
        if result is not None:
            try:
                blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001
                return result
            self._changed[skey] = (display, stamp_of(st), digest(data), want, blob)
        return result

    # ------------------------------------------------------------------ writing
    def put(self, path: str, display: str, blob: bytes, stamp, content_digest: bytes | None) -> None:
        """Remember a fresh pass-1 result (``blob`` is the pickled FileResult)."""
        self.stats.misses += 1
        if content_digest is None:
            return  # the file could not be read: nothing to key it by
        key = os.path.abspath(path)
        self._changed[key] = (display, stamp, content_digest, self.file_key(path), blob)

    def save(self) -> None:
        if not self._changed:
            return
        try:
            self._write()
            self.stats.written = True
        except OSError as e:
            warn_once(f"cannot write the cache in {self.directory}: {e.strerror or e}; continuing without it")

    def _write(self) -> None:
        self._load()
        make_directory(self.directory)
        _mark_directory(self.directory)
        with _Lock(self.lock_path):
            entries, stamp = (self._entries, self._loaded_stamp)
            disk_stamp = _file_stamp(self.index_path)
            if disk_stamp != stamp:
                # Another process wrote since we read: build on its version, not on ours.
                entries, _ = _read_index(self.index_path)
            merged = dict(entries)
            merged.update(self._changed)
            # Forget files that are gone (only those this run did not see; it saw the rest).
            for k in [k for k in merged if k not in self._seen and k not in self._changed]:
                if not os.path.exists(k[1] if isinstance(k, tuple) else k):
                    del merged[k]
            data = seal(pickle.dumps((FORMAT, merged), protocol=pickle.HIGHEST_PROTOCOL))
            replace_atomically(self.index_path, data, prefix=".index-")
            self._entries = merged
            self._loaded_stamp = _file_stamp(self.index_path)
            self._changed = {}
        _prune(self.directory, self.index_path)


class NoCache:
    """``--no-cache``: reads nothing, writes nothing."""

    enabled = False

    def __init__(self) -> None:
        self.stats = Stats()

    def lookup(self, items: Sequence[tuple[str, str]]) -> list[Any]:
        return [None] * len(items)

    def put(self, path: str, display: str, blob: bytes, stamp, content_digest) -> None:
        self.stats.misses += 1

    def summary(self, path: str, display: str, module: str, is_package: bool, compute: Callable[[], Any]) -> Any:
        self.stats.summaries_computed += 1
        return compute()

    def note_missing(self, module: str) -> None:
        pass

    def save(self) -> None:
        pass


# The cache of the run in progress, for pass 2 (see ``summary_of``); set by ``engine.lint_files``.
_active: "Cache | NoCache | None" = None


def activate(cache: "Cache | NoCache | None") -> None:
    global _active
    _active = cache


def summary_of(path: str, display: str, module: str, is_package: bool, compute: Callable[[], Any]) -> Any:
    """The project summary of a file outside the linted set, through the cache of the run in
    progress when there is one: re-linting one file must not re-parse the rest of the project."""
    if _active is None:
        return compute()
    return _active.summary(path, display, module, is_package, compute)


def note_missing(module: str) -> None:
    """Pass 2 looked for ``module`` in the project and found no file for it."""
    if _active is not None:
        _active.note_missing(module)


def open_cache(config: Config, project_root: Path | None) -> "Cache | NoCache":
    if not config.cache:
        return NoCache()
    from asynclint.cache_trust import Untrusted, check_directory, secret

    try:
        directory = resolve_cache_dir(config, project_root)
        check_directory(directory)
        secret()
        return Cache(config, project_root, directory)
    except Untrusted as e:
        warn_once(f"{e}; continuing without the cache")
        return NoCache()
    except Exception as e:  # noqa: BLE001 - the cache is an optimisation, never a failure
        warn_once(f"cannot use the cache: {e}; continuing without it")
        return NoCache()


# ---------------------------------------------------------------------- helpers
def make_directory(directory: Path) -> None:
    """The cache directory, made writable by its owner only (``check_directory`` refuses one
    that others can write, whatever the umask)."""
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True, mode=0o755)
        try:
            os.chmod(directory, 0o755)
        except OSError:
            pass


def _file_stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _read_index(path: Path) -> tuple[dict[str, tuple], tuple | None]:
    try:
        with open(path, "rb") as f:
            stamp = os.fstat(f.fileno())
            raw = f.read()
        payload = unseal(raw)
        if payload is None:  # not sealed with our key: never unpickled
            return {}, None
        fmt, entries = pickle.loads(payload)
        if fmt != FORMAT or not isinstance(entries, dict):
            return {}, None
        return entries, (stamp.st_ino, stamp.st_size, stamp.st_mtime_ns)
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt: start empty, rewrite later
        return {}, None


# Indexes of other configurations (or of older asynclint builds) are kept a while, so switching
# back and forth stays warm, but not for ever.
_KEEP_SECONDS = 7 * 24 * 3600
_KEEP_COUNT = 8


def _prune(directory: Path, current: Path) -> None:
    try:
        found = []
        for p in directory.glob("index-*.pickle"):
            if p != current:
                found.append((p.stat().st_mtime, p))
        found.sort(reverse=True)
        now = time.time()
        for n, (mtime, p) in enumerate(found, 1):
            if n >= _KEEP_COUNT or now - mtime > _KEEP_SECONDS:
                p.unlink(missing_ok=True)
                p.with_suffix(".lock").unlink(missing_ok=True)
    except OSError:
        pass


_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This directory is a cache made by asynclint.\n"


def remove_cache_dir(directory: Path) -> bool:
    """Delete a cache directory asynclint made (``asynclint clean``). False when there is none;
    ValueError for a directory without our CACHEDIR.TAG, which may hold someone's files."""
    import shutil

    if not directory.exists():
        return False
    tag = directory / "CACHEDIR.TAG"
    try:
        ours = tag.read_text(encoding="utf-8", errors="replace") == _TAG
    except OSError:
        ours = False
    if not ours and (not directory.is_dir() or any(directory.iterdir())):
        raise ValueError(f"{directory}: not removed: it is not a cache asynclint made (no asynclint CACHEDIR.TAG)")
    shutil.rmtree(directory)
    return True


def _mark_directory(directory: Path) -> None:
    gi = directory / ".gitignore"
    if not gi.exists():
        gi.write_text("# Automatically created by asynclint.\n*\n", encoding="utf-8")
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(_TAG, encoding="utf-8")


class _Lock:
    """An advisory lock around the read-merge-replace of the index (POSIX ``flock``); where
    there is none, the atomic replace alone still keeps the index whole."""

    def __init__(self, path: Path, timeout: float = 10.0):
        self.path = path
        self.timeout = timeout
        self.fd: int | None = None

    def __enter__(self) -> "_Lock":
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return self  # a stuck peer must not stop us: the replace is still atomic
                time.sleep(0.02)

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock
            self.fd = None


# ---------------------------------------------------------------------- pass 1 with stamps
def lint_stamped(linter, path: str, display: str) -> tuple[bytes, Any, bytes | None]:
    """Lint one file and return (pickled FileResult, stat stamp, content digest).

    The stamp is taken before reading, so a write that lands between stat and read makes the
    stamp stale (and the next run re-hashes) rather than pairing a new stat with old results.
    """
    try:
        st = os.stat(path)
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return pickle.dumps(linter.lint_path(path, display), protocol=pickle.HIGHEST_PROTOCOL), None, None
    result = linter.lint_bytes(data, path, display)
    result.content_digest = digest(data)
    if result.summary is not None and linter.config.cache:
        from asynclint.project.summary import fingerprint

        result.summary_digest = fingerprint(result.summary)
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), stamp_of(st), digest(data)
