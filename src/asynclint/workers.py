"""The pool of worker processes for the per-file pass, tied to the life of the run.

Workers must never outlive the run: a parent killed by SIGKILL or SIGTERM cannot clean up, so
each worker watches its parent itself and exits when it is gone (on Linux the kernel also
sends it SIGKILL at once). Ctrl-C is the parent's to handle: workers ignore SIGINT (a terminal
sends it to the whole process group, and a worker's traceback per process is noise); the
parent stops them when it is interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Any, Callable

# How often a worker checks that its parent is still there (when the kernel cannot tell it).
_PARENT_POLL_SECONDS = 0.25


def _die_with_parent() -> None:
    """Linux: ask the kernel for SIGKILL when the process that started us ends."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError, ValueError):
        pass


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, someone else's (cannot happen for our parent, but not "gone")
    return False


def watch_parent(run_pid: int) -> None:
    """In a worker: exit as soon as the process that started it, or the run's main process
    ``run_pid``, is gone. Called first thing in the worker's initializer."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _unblock_sigint()  # blocked while the pool started us (see map_in_pool)
    if os.name != "posix":
        return
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        _die_with_parent()
    # The parent may have died before we got here: we were then handed to another process.
    if _gone(run_pid) or (parent != run_pid and _gone(parent)):
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(_PARENT_POLL_SECONDS)
            if os.getppid() != parent or _gone(run_pid):
                os._exit(1)

    threading.Thread(target=watch, name="asynclint-parent-watch", daemon=True).start()


def _unblock_sigint() -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def map_in_pool(jobs: int, initializer: Callable, initargs: tuple, fn: Callable, items: list, chunksize: int) -> tuple[Any, Any]:
    """(pool, iterator of ``fn(item)`` in order) over ``jobs`` worker processes; every worker is
    started here, with SIGINT blocked so that none sees a Ctrl-C before it ignores it (the
    parent's pending SIGINT arrives when this returns)."""
    from concurrent.futures import ProcessPoolExecutor  # here: a warm run starts no pool

    blocked = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    pool = None
    try:
        if blocked:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))
            results = pool.map(fn, items, chunksize=chunksize)
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a pending Ctrl-C is raised here
    except BaseException:
        if pool is not None:
            stop_pool(pool)
        raise
    return pool, results


def _start_worker(run_pid: int, initializer: Callable, initargs: tuple) -> None:
    from asynclint.gc_policy import for_analysis

    watch_parent(run_pid)
    for_analysis()
    initializer(*initargs)


def stop_pool(pool: Any) -> None:
    """Stop the workers now (the run was interrupted or failed): nothing they would still
    compute is wanted."""
    processes = list(getattr(pool, "_processes", {}).values() or ())
    # The pool's manager thread can trip over the workers terminated here on purpose; its
    # traceback would bury the one line the user is owed ("interrupted").
    manager = getattr(pool, "_executor_manager_thread", None)
    previous = threading.excepthook

    def quiet(args: threading.ExceptHookArgs) -> None:
        if manager is None or args.thread is not manager:
            previous(args)

    threading.excepthook = quiet
    for p in processes:
        try:
            p.terminate()
        except (OSError, AttributeError, ValueError):
            pass
    try:
        pool.shutdown(wait=False, cancel_futures=True)
    except Exception:  # noqa: BLE001 - already broken by the terminations: nothing left to stop
        pass
    for p in processes:
        try:
            p.join(1.0)
            if p.is_alive():
                p.kill()
        except (OSError, AttributeError, ValueError, AssertionError):
            pass
