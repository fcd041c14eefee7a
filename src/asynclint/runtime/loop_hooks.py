"""Hooks on asyncio itself, installed at class level so every loop (pytest-asyncio's, anyio's,
``asyncio.run``'s) is covered without touching its settings.

- ``Handle._run``: marks the thread as inside a loop step (blocking wrappers record only there)
  and times the step; the watchdog samples the stack of a step that runs long (ASL501).
- ``BaseEventLoop.call_exception_handler``: task exceptions never retrieved (ASL502, ASL203)
  and tasks destroyed pending (ASL503), located at the coroutine's origin.
- ``call_soon``/``call_later``/``call_at``/``create_task`` from another thread (ASL505).
- ``__del__`` of loops and transports, and of library resources that warn the same way when
  their module is imported (aiohttp's ``ClientSession``): unclosed resources (ASL504) at
  their creation site.
- ``warnings._warn_unawaited_coroutine``: coroutines never awaited (ASL201).
"""

from __future__ import annotations

import ast
import sys
import threading
import time
import warnings
from collections import Counter
from types import SimpleNamespace
from typing import Any, Callable

from asynclint.runtime.frames import _OWN_PREFIX as OWN_PREFIX
from asynclint.runtime.frames import stack_of
from asynclint.runtime.state import STATE, emit, guard

ORIGIN_DEPTH = 2
CREATED_ATTR = "_asynclint_created"

# thread id -> [start time, samples, blocking locations seen in the step]
STEPS: dict[int, list] = {}
_patches: list[tuple[Any, str, Any, bool]] = []
_saved_origin_depth = 0
_watchdog: "_Watchdog | None" = None


def _patch(owner: Any, name: str, new: Any) -> None:
    had = name in vars(owner)
    _patches.append((owner, name, vars(owner).get(name), had))
    setattr(owner, name, new)


def restore_patches(patches: list[tuple[Any, str, Any, bool]]) -> None:
    """Undo ``(owner, name, old value, whether owner had it)`` patches, newest first."""
    while patches:
        owner, name, old, had = patches.pop()
        try:
            if had:
                setattr(owner, name, old)
            else:
                delattr(owner, name)
        except (AttributeError, TypeError):
            pass


def _unpatch_all() -> None:
    restore_patches(_patches)


# ---------------------------------------------------------------------------- steps (ASL501)
# What the inlined copies below mirror; another Python's asyncio gets plain wrappers instead.
_RUN_NAMES = ("_context", "run", "_callback", "_args", "SystemExit", "KeyboardInterrupt", "BaseException", "format_helpers", "_format_callback_source", "_source_traceback", "_loop", "call_exception_handler")
_CALL_SOON_NAMES = ("_check_closed", "_debug", "_check_thread", "_check_callback", "_call_soon", "_source_traceback")


def _make_run(orig: Callable) -> Callable:
    """``Handle._run`` with the step timed. Where asyncio's is the known one, it is done here
    (run the callback in its context, hand an exception to the loop's handler) rather than
    called, because one more Python frame on every step is most of the hooks' cost. Steps
    never nest in a thread: a loop cannot be run from inside a running one."""
    from asyncio import format_helpers

    perf = time.perf_counter
    ident = threading.get_ident
    steps = STEPS

    def _run(self):
        tid = ident()
        steps[tid] = st = [perf(), None, None]
        try:
            self._context.run(self._callback, *self._args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            cb = format_helpers._format_callback_source(self._callback, self._args)
            context = {"message": f"Exception in callback {cb}", "exception": exc, "handle": self}
            if self._source_traceback:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)
        finally:
            steps.pop(tid, None)
            if st[1] is not None:
                _finish_slow_step(st, perf() - st[0])
        self = None  # breaks the cycle through the exception, as asyncio does

    def _run_wrapped(self):
        tid = ident()
        steps[tid] = st = [perf(), None, None]
        try:
            return orig(self)
        finally:
            steps.pop(tid, None)
            if st[1] is not None:
                _finish_slow_step(st, perf() - st[0])

    new = _run if orig.__code__.co_names == _RUN_NAMES else _run_wrapped
    new.__wrapped__ = orig
    return new


def _finish_slow_step(st: list, duration: float) -> None:
    if duration < STATE.options.slow_threshold:
        return
    with guard() as ok:
        if not ok:
            return
        counts = Counter(tuple(s[0]) for s in st[1] if s[0] is not None)
        if not counts:
            return
        loc, _ = counts.most_common(1)[0]
        if st[2] and loc in st[2]:
            return  # the blocking call on that line is already the finding
        stack = next(s[1] for s in st[1] if s[0] is not None and tuple(s[0]) == loc)
        emit("ASL501", stack, f"one loop step ran for {duration * 1000:.0f} ms here; move CPU-bound or blocking work to `asyncio.to_thread(...)` or a process pool", duration=duration, location=loc)


class _Watchdog(threading.Thread):
    """Samples the loop thread's stack while a step runs past half the threshold."""

    def __init__(self) -> None:
        super().__init__(name="asynclint-watchdog", daemon=True)
        self.stop_event = threading.Event()

    def run(self) -> None:
        perf = time.perf_counter
        while True:
            threshold = STATE.options.slow_threshold
            if self.stop_event.wait(max(0.002, min(threshold / 4, 0.025))):
                return
            if not STEPS:
                continue
            now = perf()
            try:
                frames = None
                for tid, st in list(STEPS.items()):
                    if now - st[0] < threshold / 2:
                        continue
                    if frames is None:
                        frames = sys._current_frames()
                    frame = frames.get(tid)
                    if frame is None:
                        continue
                    stack = stack_of(frame)
                    samples = st[1] if st[1] is not None else []
                    if len(samples) < 200:
                        samples.append((STATE.classifier.locate(stack), stack))
                    st[1] = samples
                del frames, frame
            except Exception:
                pass


def note_blocking(location: tuple) -> None:
    """A blocking call was recorded in the current step: it explains a slow step on that line."""
    st = STEPS.get(threading.get_ident())
    if st is not None:
        if st[2] is None:
            st[2] = set()
        st[2].add(tuple(location))


# ------------------------------------------------------- exception handler (ASL502/503/203)
def _coro_origin(task: Any) -> list:
    try:
        coro = task.get_coro()
        origin = getattr(coro, "cr_origin", None) or getattr(coro, "ag_origin", None)
    except Exception:
        return []
    return origin_stack(origin)


def origin_stack(origin: Any) -> list:
    """``cr_origin`` (most recent call first) as a stack, most recent call last, without our frames."""
    if not origin:
        return []
    return [tuple(o) for o in reversed(origin) if not o[0].startswith(OWN_PREFIX)]


def _suspended_at(task: Any) -> list:
    try:
        coro = task.get_coro()
        out = []
        while coro is not None and len(out) < 40:
            frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
            if frame is not None:
                out.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
            coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        return out
    except Exception:
        return []


def _raise_site(exc: BaseException | None) -> list:
    out = []
    tb = getattr(exc, "__traceback__", None)
    while tb is not None and len(out) < 40:
        code = tb.tb_frame.f_code
        out.append((code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return out


_TASK_FACTORIES = ("create_task", "ensure_future", "start_soon")


def discarded_at(path: str, line: int) -> bool:
    """Is the statement on that line ``create_task(...)``/``ensure_future(...)`` as a bare
    expression, i.e. the task was never stored? (Answered from the source, only when reporting.)"""
    try:
        import linecache

        text = "".join(linecache.getlines(path))
        tree = ast.parse(text)
    except Exception:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and node.lineno <= line <= (node.end_lineno or node.lineno):
            call = node.value
            if isinstance(call, ast.Await):
                return False
            if isinstance(call, ast.Call):
                f = call.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                return name in ("create_task", "ensure_future")
    return False


def _on_exception_context(context: dict) -> None:
    message = context.get("message") or ""
    if message.startswith("Task exception was never retrieved") or message.startswith("Future exception was never retrieved"):
        task = context.get("future")
        exc = context.get("exception")
        raised = _raise_site(exc)
        raise_loc = STATE.classifier.locate(raised)
        created = _coro_origin(task) if task is not None and hasattr(task, "get_coro") else []
        loc = STATE.classifier.locate(created)
        what = f"{type(exc).__name__}: {exc}" if exc is not None else "an exception"
        related = [[raise_loc[0], raise_loc[1], f"raised here: {what}"]] if raise_loc else None
        if loc is None:
            if raise_loc is None:
                return
            emit("ASL502", raised, f"task exception never retrieved ({what}); await the task or add a done callback that calls `task.exception()`")
            return
        emit("ASL502", created, f"task created here failed with {what} and nobody retrieved it; keep the task and await it (or use a TaskGroup)", related=related, location=loc)
        if discarded_at(loc[0], loc[1]):
            emit("ASL203", created, "task created here was never stored; keep a reference and await it (or use a TaskGroup)", related=related, location=loc)
    elif message.startswith("Task was destroyed but it is pending"):
        task = context.get("task")
        if task is None:
            return
        created = _coro_origin(task)
        waiting = _suspended_at(task)
        wait_loc = STATE.classifier.locate(waiting)
        related = [[wait_loc[0], wait_loc[1], "it was suspended here"]] if wait_loc else None
        loc = STATE.classifier.locate(created)
        if loc is None:
            if wait_loc is None:
                return
            emit("ASL503", waiting, "task destroyed while still pending (suspended here); keep a reference to it and await or cancel it before the loop closes")
            return
        emit("ASL503", created, "task created here was destroyed while still pending; keep a reference to it and await or cancel it before the loop closes", related=related, location=loc)
        if discarded_at(loc[0], loc[1]):
            emit("ASL203", created, "task created here was never stored; keep a reference and await it (or use a TaskGroup)", related=related, location=loc)


def _make_call_exception_handler(orig: Callable) -> Callable:
    def call_exception_handler(self, context):
        with guard() as ok:
            if ok:
                try:
                    _on_exception_context(context)
                except Exception:
                    pass
        return orig(self, context)

    call_exception_handler.__wrapped__ = orig
    return call_exception_handler


# -------------------------------------------------------------- other threads (ASL505)
def _report_other_thread(api: str) -> None:
    with guard() as ok:
        if not ok:
            return
        stack = stack_of(sys._getframe(2))
        emit("ASL505", stack, f"`loop.{api}()` called from a thread that is not the loop's; use `loop.call_soon_threadsafe(...)` or `asyncio.run_coroutine_threadsafe(...)`")


def _make_thread_checked(orig: Callable, api: str) -> Callable:
    ident = threading.get_ident

    if api == "call_soon" and orig.__code__.co_names == _CALL_SOON_NAMES:
        # Called for every step: asyncio's few lines are done here, without one more frame.
        def checked(self, callback, *args, context=None):
            tid = self._thread_id
            if tid is not None and tid != ident():
                _report_other_thread(api)
            self._check_closed()
            if self._debug:
                self._check_thread()
                self._check_callback(callback, "call_soon")
            handle = self._call_soon(callback, args, context)
            if handle._source_traceback:
                del handle._source_traceback[-1]
            return handle

    else:

        def checked(self, *args, **kwargs):
            tid = self._thread_id
            if tid is not None and tid != ident():
                _report_other_thread(api)
            return orig(self, *args, **kwargs)

    checked.__wrapped__ = orig
    checked.__name__ = checked.__qualname__ = api
    return checked


# ------------------------------------------------------------- unclosed resources (ASL504)
def _make_init(orig: Callable) -> Callable:
    def __init__(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        try:
            d = getattr(self, "__dict__", None)
            if d is not None and CREATED_ATTR not in d:
                d[CREATED_ATTR] = stack_of(sys._getframe(1))
        except Exception:
            pass

    __init__.__wrapped__ = orig
    return __init__


def _make_del(orig: Callable, warn_param: str = "_warn") -> Callable:
    """``__del__`` of a class that warns through a parameter: asyncio's take ``_warn`` (the
    function), aiohttp's ``_warnings`` (the module)."""

    def __del__(self, _warn=warnings.warn):
        def recording_warn(message, category=None, stacklevel=1, source=None):
            if category is ResourceWarning:
                with guard() as ok:
                    if ok:
                        try:
                            created = self.__dict__.get(CREATED_ATTR) or []
                            what = str(message).split(" <", 1)[0]
                            emit("ASL504", created, f"{what}: the object created here was never closed; close it (`async with`, or `close()` in a `finally`)")
                        except Exception:
                            pass
            return _warn(message, category, stacklevel + 1, source)

        if warn_param == "_warn":
            orig(self, _warn=recording_warn)
        else:
            orig(self, **{warn_param: SimpleNamespace(warn=recording_warn)})

    __del__.__wrapped__ = orig
    return __del__


# Library classes that warn when collected unclosed, patched when their module is imported:
# module -> (class, the ``__del__`` parameter it warns through).
THIRD_PARTY_RESOURCES: dict[str, tuple[str, str]] = {
    "aiohttp.client": ("ClientSession", "_warnings"),
}


def _hook_resource(module: Any) -> None:
    cls_name, warn_param = THIRD_PARTY_RESOURCES[module.__name__]
    cls = getattr(module, cls_name, None)
    if not isinstance(cls, type) or "__del__" not in vars(cls):
        return
    if STATE.options.full and "__init__" in vars(cls):
        _patch(cls, "__init__", _make_init(vars(cls)["__init__"]))
    _patch(cls, "__del__", _make_del(vars(cls)["__del__"], warn_param))


class _ModuleHooks:
    """Runs a hook on a watched module once, when it is imported (or at install, if it was),
    through the import watcher the blocking-call wrappers use."""

    def __init__(self, hooks: dict[str, Callable[[Any], None]]):
        self.by_prefix = hooks
        self.done: set[str] = set()
        self.watcher: Any = None

    def module_loaded(self, name: str, module: Any) -> None:
        if name in self.done:
            return
        self.done.add(name)
        try:
            self.by_prefix[name](module)
        except Exception:
            pass

    def install(self) -> None:
        from asynclint.runtime.import_watch import ImportWatcher

        for name in self.by_prefix:
            if name in sys.modules:
                self.module_loaded(name, sys.modules[name])
        self.watcher = ImportWatcher(self)
        sys.meta_path.insert(0, self.watcher)

    def uninstall(self) -> None:
        if self.watcher is not None and self.watcher in sys.meta_path:
            sys.meta_path.remove(self.watcher)
        self.watcher = None


_module_hooks: _ModuleHooks | None = None


def _make_del_when(orig: Callable, will_warn: Callable[[Any], bool], what: str) -> Callable:
    """For a ``__del__`` that calls the module's ``warnings.warn`` (no ``_warn`` parameter to
    borrow): record when the condition it warns on holds, then run it unchanged."""

    def __del__(self):
        with guard() as ok:
            if ok:
                try:
                    if will_warn(self):
                        created = self.__dict__.get(CREATED_ATTR) or []
                        emit("ASL504", created, f"unclosed {what}: the object created here was never closed; close it (`writer.close()` and `await writer.wait_closed()`)")
                except Exception:
                    pass
        orig(self)

    __del__.__wrapped__ = orig
    return __del__


def _stream_writer_unclosed(writer: Any) -> bool:
    transport = getattr(writer, "_transport", None)
    return transport is not None and not transport.is_closing()


def _warning_dels() -> list[tuple[type, Callable, str]]:
    import asyncio.streams

    out = []
    writer = asyncio.streams.StreamWriter
    if "__del__" in vars(writer):  # 3.11.5+, 3.12+: warns and closes the transport itself
        out.append((writer, _stream_writer_unclosed, "StreamWriter"))
    return out


def _resource_classes() -> list[type]:
    import asyncio.base_events
    import asyncio.base_subprocess
    import asyncio.selector_events
    import asyncio.sslproto
    import inspect

    mods = [asyncio.base_events, asyncio.selector_events, asyncio.base_subprocess, asyncio.sslproto]
    if sys.platform != "win32":
        import asyncio.unix_events

        mods.append(asyncio.unix_events)
    out = []
    for mod in mods:
        for obj in vars(mod).values():
            if isinstance(obj, type) and obj.__module__ == mod.__name__ and "__del__" in vars(obj):
                try:
                    if "_warn" in inspect.signature(obj.__del__).parameters:
                        out.append(obj)
                except (TypeError, ValueError):
                    pass
    return out


# ----------------------------------------------------------- never awaited (ASL201)
def _make_warn_unawaited(orig: Callable, user_depth: Callable[[], int]) -> Callable:
    def _warn_unawaited_coroutine(coro):
        origin = None
        with guard() as ok:
            if ok:
                try:
                    origin = getattr(coro, "cr_origin", None)
                    if origin:
                        stack = origin_stack(origin)
                        emit("ASL201", stack, f"coroutine '{coro.__qualname__}' created here was never awaited; add `await` (or wrap it in `asyncio.create_task(...)` and keep the task)")
                except Exception:
                    pass
        if origin and user_depth() == 0:
            # The origin exists only because we asked for it: print what the program would have.
            warnings.warn(f"coroutine '{coro.__qualname__}' was never awaited", category=RuntimeWarning, stacklevel=2, source=coro)
            return
        return orig(coro)

    _warn_unawaited_coroutine.__wrapped__ = orig
    return _warn_unawaited_coroutine


# ------------------------------------------------------------------------- uvloop
# uvloop's ``Loop`` is a Python subclass of a Cython class, so its methods can be replaced on
# the subclass like ``BaseEventLoop``'s. But it runs no asyncio ``Handle``: no step is ever
# timed (no ASL501), and the blocking-call wrappers learn that they run on the loop from the
# running loop of the thread instead (``STEPLESS_LOOPS``).
STEPLESS_LOOPS: list[type] = []
UVLOOP_WARNING = (
    "asynclint: warning: uvloop's event loop runs no asyncio Handle, so slow loop steps (ASL501) "
    "are not reported under it; every other runtime check works. Run once with asyncio's own loop to check steps.\n"
)
_uvloop_warned = False


def _make_running_elsewhere_checked(orig: Callable, api: str) -> Callable:
    import asyncio.events

    running = asyncio.events._get_running_loop

    def checked(self, *args, **kwargs):
        # The loop keeps its thread id in C; in its own thread, the running loop is itself.
        if running() is not self and self.is_running():
            _report_other_thread(api)
        return orig(self, *args, **kwargs)

    checked.__wrapped__ = orig
    checked.__name__ = checked.__qualname__ = api
    return checked


def _make_warning_init(orig: Callable) -> Callable:
    def __init__(self, *args, **kwargs):
        global _uvloop_warned
        if not _uvloop_warned:
            _uvloop_warned = True
            try:
                sys.stderr.write(UVLOOP_WARNING)
            except Exception:
                pass
        orig(self, *args, **kwargs)

    __init__.__wrapped__ = orig
    return __init__


def _hook_uvloop(module: Any) -> None:
    cls = getattr(module, "Loop", None)
    if not isinstance(cls, type) or len(cls.__mro__) < 2:
        return
    base = cls.__mro__[1]
    _patch(cls, "__init__", _make_warning_init(base.__init__))
    _patch(cls, "call_exception_handler", _make_call_exception_handler(base.call_exception_handler))
    for api in ("call_soon", "call_later", "call_at", "create_task"):
        _patch(cls, api, _make_running_elsewhere_checked(getattr(base, api), api))
    STEPLESS_LOOPS.append(cls)


# ------------------------------------------------------------------------ install
def install() -> None:
    import asyncio.base_events
    import asyncio.events

    global _saved_origin_depth, _watchdog
    Handle = asyncio.events.Handle
    Loop = asyncio.base_events.BaseEventLoop
    _patch(Handle, "_run", _make_run(Handle._run))
    _patch(Loop, "call_exception_handler", _make_call_exception_handler(Loop.call_exception_handler))
    for api in ("call_soon", "call_later", "call_at", "create_task"):
        _patch(Loop, api, _make_thread_checked(getattr(Loop, api), api))
    if STATE.options.full:
        for cls in _resource_classes():
            if "__init__" in vars(cls):
                _patch(cls, "__init__", _make_init(vars(cls)["__init__"]))
            _patch(cls, "__del__", _make_del(vars(cls)["__del__"]))
        for cls, will_warn, what in _warning_dels():
            _patch(cls, "__init__", _make_init(vars(cls)["__init__"]))
            _patch(cls, "__del__", _make_del_when(vars(cls)["__del__"], will_warn, what))
        _saved_origin_depth = sys.get_coroutine_origin_tracking_depth()
        if _saved_origin_depth < ORIGIN_DEPTH:
            sys.set_coroutine_origin_tracking_depth(ORIGIN_DEPTH)
        _watchdog = _Watchdog()
        _watchdog.start()
    else:
        for cls in _resource_classes():
            _patch(cls, "__del__", _make_del(vars(cls)["__del__"]))
    saved = _saved_origin_depth if STATE.options.full else sys.get_coroutine_origin_tracking_depth()
    _patch(warnings, "_warn_unawaited_coroutine", _make_warn_unawaited(warnings._warn_unawaited_coroutine, lambda: saved))
    global _module_hooks
    _module_hooks = _ModuleHooks({**{name: _hook_resource for name in THIRD_PARTY_RESOURCES}, "uvloop": _hook_uvloop})
    _module_hooks.install()


def uninstall() -> None:
    global _watchdog, _module_hooks
    if _module_hooks is not None:
        _module_hooks.uninstall()
        _module_hooks = None
    if _watchdog is not None:
        _watchdog.stop_event.set()
        _watchdog = None
    if STATE.options.full and sys.get_coroutine_origin_tracking_depth() == ORIGIN_DEPTH:
        sys.set_coroutine_origin_tracking_depth(_saved_origin_depth)
    STEPLESS_LOOPS.clear()
    _unpatch_all()
