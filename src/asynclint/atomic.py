"""Writing a file so that a concurrent reader sees either the old content or the new one."""

from __future__ import annotations

import os
import tempfile
from typing import Callable


class TargetChanged(Exception):
    """The file is no longer what the caller computed the new content from."""


def replace_atomically(
    target: str | os.PathLike,
    data: bytes,
    *,
    prefix: str = ".asynclint-",
    mode: int = 0o644,
    owner: tuple[int, int] | None = None,
    fsync: bool = False,
    unchanged: Callable[[], bool] | None = None,
) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``.

    ``mode`` replaces mkstemp's 0600 (which would lock other users out of a shared checkout
    or cache); ``owner`` (uid, gid) is kept when the caller may give the file away. The mode
    is set after the owner: a chown clears the setuid and setgid bits. ``unchanged()``, when
    given, is asked at the last moment before the rename; False raises :class:`TargetChanged`
    and leaves ``target`` alone. On any error the temporary file is removed and the error
    propagates.
    """
    directory = os.path.dirname(os.fspath(target)) or "."
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        if owner is not None and hasattr(os, "chown"):
            st = os.stat(tmp)
            if (st.st_uid, st.st_gid) != owner:
                try:
                    os.chown(tmp, *owner)
                except OSError:
                    pass  # only root may give a file away; the file is then ours
        os.chmod(tmp, mode)
        if unchanged is not None and not unchanged():
            raise TargetChanged(os.fspath(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
