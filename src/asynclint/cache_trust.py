"""Whether the cache can be trusted: a cache file is read back with ``pickle``, which runs code,
so whoever can write it can run code as the user who lints (and ``cache-dir`` may come from a
project's configuration, e.g. a world-writable ``/tmp/...`` in a cloned repository).

Two locks. Every cache file is sealed with an HMAC under a per-user secret kept outside any
cache (``$XDG_CONFIG_HOME/asynclint/cache-key``, else ``~/.config/asynclint/cache-key``, mode
0600): a file whose seal does not verify is never unpickled, it is a miss and gets rewritten.
And a cache directory owned by someone else, or writable by anyone but its owner, is refused
with a warning: the run goes on without a cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

MAGIC = b"asynclint-cache-v1\n"
_TAG = 32  # sha256
_secret: bytes | None = None


class Untrusted(Exception):
    """The cache cannot be used; ``str(e)`` says why, in one line."""


def key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "asynclint" / "cache-key"


def secret() -> bytes:
    """The user's secret, made on first use; raises :class:`Untrusted` when there is no safe one."""
    global _secret
    if _secret is not None:
        return _secret
    path = key_path()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        _secret = _create(path)
        return _secret
    except OSError as e:
        raise Untrusted(f"cannot read the cache key {path}: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
            raise Untrusted(f"the cache key {path} must belong to you and be readable by you only (chmod 600)")
        data = os.read(fd, 4096)
    finally:
        os.close(fd)
    if len(data) < 32:
        raise Untrusted(f"the cache key {path} is too short; delete it to get a new one")
    _secret = data
    return _secret


def _create(path: Path) -> bytes:
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:  # another run made it meanwhile
        return secret()
    except OSError as e:
        raise Untrusted(f"cannot create the cache key {path}: {e.strerror or e}") from None
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    return key


def seal(payload: bytes) -> bytes:
    return MAGIC + hmac.new(secret(), payload, hashlib.sha256).digest() + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a sealed file, or None when it is not one of ours (to be ignored)."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _TAG:
        return None
    tag = data[len(MAGIC) : len(MAGIC) + _TAG]
    payload = data[len(MAGIC) + _TAG :]
    try:
        expected = hmac.new(secret(), payload, hashlib.sha256).digest()
    except Untrusted:
        return None
    return payload if hmac.compare_digest(tag, expected) else None


def check_directory(directory: Path) -> None:
    """Raise :class:`Untrusted` when ``directory`` (if it exists) or the nearest existing
    directory above it (where it would be made) is not safe for a cache."""
    if not hasattr(os, "geteuid"):
        return  # no POSIX owners: the seal alone guards the files
    d = directory
    while True:
        try:
            st = os.stat(d)
            break
        except FileNotFoundError:
            if d.parent == d:
                return
            d = d.parent
        except OSError as e:
            raise Untrusted(f"cannot use the cache directory {directory}: {e.strerror or e}") from None
    if d != directory:
        # Not made yet: we will make it, ours and 0755; a world-writable parent like /tmp is
        # fine then, as long as it is sticky (nobody can swap our directory for theirs).
        if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
            raise Untrusted(f"the cache directory {directory} would be made in {d}, which anyone can write")
        return
    if st.st_uid != os.geteuid():
        raise Untrusted(f"the cache directory {directory} belongs to another user (uid {st.st_uid})")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Untrusted(f"the cache directory {directory} can be written by other users (mode {stat.S_IMODE(st.st_mode):o})")
