"""Writing a file so that a concurrent reader sees either the old content or the new one."""

from __future__ import annotations

import os
import tempfile


def replace_atomically(target: str | os.PathLike, data: bytes, *, prefix: str = ".asynclint-", mode: int = 0o644, owner: tuple[int, int] | None = None, fsync: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``.

    ``mode`` replaces mkstemp's 0600 (which would lock other users out of a shared checkout
    or cache); ``owner`` (uid, gid) is kept when the caller may give the file away; on any
    error the temporary file is removed and the error propagates.
    """
    directory = os.path.dirname(os.fspath(target)) or "."
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if owner is not None and hasattr(os, "chown"):
            try:
                os.chown(tmp, *owner)
            except OSError:
                pass  # only root may give a file away; the file is then ours
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
