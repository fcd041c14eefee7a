"""Run a hook on a module right after its first import: an import finder that wraps the found
loader. Shared by the blocking-call patches (``runtime.blocking``) and the loop hooks
(``runtime.loop_hooks``), below both of them."""

from __future__ import annotations

import sys
import threading
from typing import Any, Protocol


class ModuleHooks(Protocol):
    """What the watcher calls: the names it watches, and what to do once one is loaded."""

    by_prefix: dict[str, Any]

    def module_loaded(self, name: str, module: Any) -> None: ...


class ImportWatcher:
    """Patches a watched module right after it is first imported; finds nothing itself."""

    def __init__(self, patcher: ModuleHooks):
        self.patcher = patcher
        self._busy = threading.local()

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.patcher.by_prefix or getattr(self._busy, "on", False):
            return None
        self._busy.on = True
        try:
            spec = self._find(fullname, path, target)
        except Exception:
            return None
        finally:
            self._busy.on = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = PatchingLoader(spec.loader, self.patcher, fullname)
        return spec

    def _find(self, fullname, path, target):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                return spec
        return None

    def invalidate_caches(self):
        pass


class PatchingLoader:
    def __init__(self, loader, patcher: ModuleHooks, fullname: str):
        self._loader = loader
        self._patcher = patcher
        self._fullname = fullname

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        spec = getattr(module, "__spec__", None)
        # Leave no trace of ourselves on the module.
        if spec is not None:
            spec.loader = self._loader
        module.__loader__ = self._loader
        self._loader.exec_module(module)
        try:
            self._patcher.module_loaded(self._fullname, module)
        except Exception:
            pass

    def __getattr__(self, name):
        return getattr(self._loader, name)
