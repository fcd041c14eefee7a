"""The language server: diagnostics, code actions and hover over LSP (stdio), on pygls.

Every open document is a buffer of the :class:`~asynclint.workspace.Workspace` of its
workspace folder, so project-wide answers (a callee in another module) see unsaved text. All
linting, and every change to a workspace's state, runs on one worker thread, in the order the
editor sent it; the event loop only receives messages, debounces and publishes.

After a document is linted, the other open documents whose call sites read its module (the
index tracks what each settled call site read) are settled again: making ``Repo.save`` async in
``repo.py`` flags the call in the open ``service.py`` without touching it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from asynclint import __version__
from asynclint.config import Config, ConfigError, load_config
from asynclint.files import find_project_root
from asynclint.finding import Finding
from asynclint.lsp import actions
from asynclint.lsp.convert import Positions, diagnostic, error_diagnostic, finding_at, is_internal, root_groups
from asynclint.lsp.hover import hover_markdown
from asynclint.workspace import Workspace

CONFIG_FILES = ("pyproject.toml", "asynclint.toml")
log = logging.getLogger("asynclint.lsp")


@dataclass
class Settings:
    """``initializationOptions`` (and ``workspace/didChangeConfiguration`` settings under
    ``asynclint``): all optional."""

    docs_base_url: str | None = None  # rule pages: {docs_base_url}/rules/ASL101/
    lint_delay: float = 0.1  # seconds of quiet after a change before linting (debounce)
    config_file: str | None = None  # instead of the nearest pyproject.toml/asynclint.toml
    unsafe_fix_all: bool = False  # source.fixAll applies unsafe fixes too
    cache_dir: str | None = None  # instead of .asynclint_cache at the project root

    def update(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            return
        raw = raw.get("asynclint", raw) if isinstance(raw.get("asynclint"), dict) else raw
        if isinstance(raw.get("docsBaseUrl"), str):
            self.docs_base_url = raw["docsBaseUrl"] or None
        if isinstance(raw.get("lintDelay"), (int, float)) and raw["lintDelay"] >= 0:
            self.lint_delay = raw["lintDelay"] / 1000
        if "configFile" in raw and (raw["configFile"] is None or isinstance(raw["configFile"], str)):
            self.config_file = raw["configFile"] or None
        if isinstance(raw.get("unsafeFixAll"), bool):
            self.unsafe_fix_all = raw["unsafeFixAll"]
        if "cacheDir" in raw and (raw["cacheDir"] is None or isinstance(raw["cacheDir"], str)):
            self.cache_dir = os.path.abspath(os.path.expanduser(raw["cacheDir"])) if raw["cacheDir"] else None


@dataclass
class Doc:
    """What the server knows of one open document."""

    uri: str
    path: str
    key: str  # the workspace it belongs to
    version: int | None = None
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    reads: frozenset[str] = frozenset()
    module: str | None = None
    digest: bytes | None = None  # of its module summary: a change re-settles its readers


class AsyncLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("asynclint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self.workspaces: dict[str, Workspace] = {}
        self.docs: dict[str, Doc] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        # One thread does every lint and workspace change, in order (the workspaces are not
        # shared between threads).
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asynclint-lint")
        self.opt_in: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ logging
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - no client to tell (tests, shutdown)
            log.warning(message)

    def internal_error(self, what: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.log(f"asynclint: internal error while {what}: {type(exc).__name__}: {exc}\n{text}", types.MessageType.Error)

    # ------------------------------------------------------------------ workspaces
    def key_for(self, path: str) -> str:
        """The workspace folder holding ``path`` (the innermost), else its project root."""
        best = ""
        for folder in self.workspace.folders.values():
            fpath = _path(folder.uri)
            if fpath and (path == fpath or path.startswith(fpath.rstrip(os.sep) + os.sep)) and len(fpath) > len(best):
                best = fpath
        if not best:
            root = os.path.realpath(self.workspace.root_path) if self.workspace.root_path else None
            if root and path.startswith(root.rstrip(os.sep) + os.sep):
                best = root
        if not best:
            found = find_project_root([path])
            best = str(found) if found else os.path.dirname(path)
        return best

    def workspace_for(self, key: str) -> Workspace:
        """The Workspace of a folder, with its configuration (made on first use; worker thread)."""
        ws = self.workspaces.get(key)
        if ws is None:
            try:
                config = load_config(self.settings.config_file, cwd=Path(key))
            except ConfigError as e:
                self.show(f"asynclint: {e}; using the default settings until it is fixed", types.MessageType.Warning)
                config = Config(base_dir=key)
            if self.settings.cache_dir:
                config = config.with_(cache_dir=self.settings.cache_dir)
            root = find_project_root([key]) or Path(key)
            ws = self.workspaces[key] = Workspace(config, root)
            for doc in self.docs.values():
                if doc.key == key:
                    ws.open_buffer(doc.path, doc.text)
        return ws

    def warm(self, key: str) -> None:
        try:
            self.workspace_for(key).warm()
        except Exception as exc:  # noqa: BLE001 - the first lint will say what is wrong
            self.internal_error(f"loading {key}", exc)

    def show(self, message: str, kind: types.MessageType) -> None:
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001
            log.warning(message)

    # ------------------------------------------------------------------ running work
    async def on_worker(self, fn: Callable[[], Any], what: str) -> Any:
        """Run ``fn`` on the lint thread; an exception is logged to the client, never raised."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.worker, fn)
        except Exception as exc:  # noqa: BLE001 - the server keeps serving whatever happens
            self.internal_error(what, exc)
            return None

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds without a newer request for it."""
        old = self.timers.pop(uri, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        if delay <= 0:
            loop.create_task(self.lint(uri))
            return
        self.timers[uri] = loop.call_later(delay, lambda: loop.create_task(self.lint(uri)))

    async def lint(self, uri: str) -> None:
        self.timers.pop(uri, None)
        doc = self.docs.get(uri)
        if doc is None:
            return
        version = doc.version
        out = await self.on_worker(lambda: self._lint(doc), f"linting {doc.path}")
        if out is None or self.docs.get(uri) is not doc or doc.version != version:
            return  # closed or changed meanwhile: a newer lint is on its way
        diagnostics, readers = out
        self.publish(doc, diagnostics)
        for other in readers:
            await self.resettle(other)

    async def resettle(self, uri: str) -> None:
        """Settle an open document again after a module it reads changed (pass 1 is kept)."""
        doc = self.docs.get(uri)
        if doc is None:
            return
        version = doc.version
        out = await self.on_worker(lambda: self._lint(doc, follow=False), f"re-checking {doc.path}")
        if out is not None and self.docs.get(uri) is doc and doc.version == version:
            self.publish(doc, out[0])

    def publish(self, doc: Doc, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, version=doc.version, diagnostics=diagnostics))

    # ------------------------------------------------------------------ on the worker thread
    def _lint(self, doc: Doc, follow: bool = True) -> tuple[list[types.Diagnostic], list[str]]:
        """Lint one document; also the other open documents that read its module, when its
        summary changed (``follow``)."""
        ws = self.workspace_for(doc.key)
        linted = ws.lint_buffer(doc.path, _display(doc.path, ws.root))
        result = linted.result
        pos = Positions(doc.text, self.workspace.position_codec)
        diagnostics = []
        for e in result.errors:
            if is_internal(e):
                self.log(f"asynclint: {e}; please report it at https://github.com/asynclint/asynclint/issues", types.MessageType.Error)
            else:
                diagnostics.append(error_diagnostic(e, pos))
        findings = sorted(result.findings, key=Finding.sort_key)
        groups = root_groups(findings)
        root = str(ws.root) if ws.root is not None else None
        diagnostics += [
            diagnostic(f, pos, self.settings.docs_base_url, self.opt_in, uri=doc.uri, root=root, group=groups.get((f.code, f.root), ()))
            for f in findings
        ]
        doc.findings = findings
        doc.reads = linted.reads
        readers: list[str] = []
        digest = ws.buffer_digest(doc.path)
        if follow and (digest != doc.digest or linted.module != doc.module):
            changed = {m for m in (linted.module, doc.module) if m}
            readers = [d.uri for d in self.docs.values() if d is not doc and d.key == doc.key and not d.reads.isdisjoint(changed)]
        doc.digest, doc.module = digest, linted.module
        return diagnostics, readers

    def _open(self, doc: Doc) -> None:
        self.workspace_for(doc.key).open_buffer(doc.path, doc.text)

    def _close(self, doc: Doc) -> list[str]:
        ws = self.workspace_for(doc.key)
        ws.close_buffer(doc.path)
        # Readers of the closed module now read the file on disk.
        return [d.uri for d in self.docs.values() if d is not doc and d.key == doc.key and doc.module and doc.module in d.reads]

    def _files_changed(self, paths: list[str]) -> tuple[bool, list[str]]:
        """Files changed on disk: (whether a configuration file changed, open documents to
        settle again)."""
        reload = any(os.path.basename(p) in CONFIG_FILES for p in paths)
        if reload:
            self.workspaces.clear()  # rebuilt with the new configuration on the next lint
            return True, list(self.docs)
        touched: dict[str, set[str]] = {}
        for p in paths:
            if not p.endswith((".py", ".pyi")):
                continue
            key = self.key_for(p)
            ws = self.workspace_for(key)
            ws.forget(p)
            touched.setdefault(key, set()).add(ws.module_of(p))
        return False, [d.uri for d in self.docs.values() if not d.reads.isdisjoint(touched.get(d.key, ()))]

    def _code_actions(self, uri: str, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = self.docs.get(uri)
        if doc is None:
            return []
        pos = Positions(doc.text, self.workspace.position_codec)
        only = [str(k.value if hasattr(k, "value") else k) for k in (params.context.only or [])]
        out: list[types.CodeAction] = []
        if actions.wants(only, types.CodeActionKind.QuickFix.value):
            for diag in params.context.diagnostics:
                if diag.source != "asynclint" or not isinstance(diag.code, str):
                    continue
                f = finding_at(doc.findings, diag.code, diag.range, pos)
                if f is None:
                    continue
                fix = actions.quick_fix(uri, doc.version, doc.text, f, pos, diag)
                if fix is not None:
                    out.append(fix)
                noqa = actions.noqa_action(uri, doc.version, doc.text, f, pos, diag)
                if noqa is not None:
                    out.append(noqa)
        if actions.wants(only, actions.FIX_ALL) and doc.findings and any(f.fix for f in doc.findings):
            ws = self.workspace_for(doc.key)
            unsafe = self.settings.unsafe_fix_all

            def fixer(text: str) -> str:
                return ws.fix_text(text, doc.path, _display(doc.path, ws.root), unsafe=unsafe).text

            action = actions.fix_all(uri, doc.version, doc.text, fixer, pos)
            if action is not None:
                out.append(action)
        return out


def _display(path: str, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            pass
    return path


def _path(uri: str) -> str:
    return os.path.realpath(to_fs_path(uri) or uri)


def build() -> AsyncLintServer:
    server = AsyncLintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: AsyncLintServer, params: types.InitializeParams) -> None:
        ls.settings.update(params.initialization_options)
        from asynclint.registry import all_rules

        ls.opt_in = frozenset(r.code for r in all_rules() if r.opt_in)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AsyncLintServer, params: types.InitializedParams) -> None:
        # Load the rules and each folder's cache now, not when the first file is opened.
        keys = [_path(f.uri) for f in ls.workspace.folders.values()]
        if not keys and ls.workspace.root_path:
            keys = [os.path.realpath(ls.workspace.root_path)]
        for key in keys:
            ls.worker.submit(ls.warm, key)
        caps = ls.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps is not None else None
        if watch is None or not watch.dynamic_registration:
            ls.log("asynclint: the editor cannot watch files for the server; files changed outside it are seen when they are opened", types.MessageType.Warning)
            return
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in ("**/*.py", "**/*.pyi", "**/pyproject.toml", "**/asynclint.toml")]
        registration = types.Registration(
            id="asynclint-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
        except Exception as exc:  # noqa: BLE001
            ls.internal_error("registering for file changes", exc)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: AsyncLintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = _path(item.uri)
        doc = ls.docs[item.uri] = Doc(item.uri, path, ls.key_for(path), item.version, item.text)
        await ls.on_worker(lambda: ls._open(doc), f"opening {path}")
        ls.schedule(item.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: AsyncLintServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return
        doc.version = params.text_document.version
        doc.text = ls.workspace.get_text_document(doc.uri).source  # pygls applied the changes
        text = doc.text
        await ls.on_worker(lambda: ls.workspace_for(doc.key).update_buffer(doc.path, text), f"updating {doc.path}")
        ls.schedule(doc.uri, ls.settings.lint_delay)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(ls: AsyncLintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if os.path.basename(path) in CONFIG_FILES:
            await reload_after(ls, [path])
            return
        if params.text_document.uri in ls.docs:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: AsyncLintServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = ls.docs.pop(params.text_document.uri, None)
        if doc is None:
            return
        timer = ls.timers.pop(doc.uri, None)
        if timer is not None:
            timer.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))
        readers = await ls.on_worker(lambda: ls._close(doc), f"closing {doc.path}")
        for uri in readers or ():
            await ls.resettle(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched(ls: AsyncLintServer, params: types.DidChangeWatchedFilesParams) -> None:
        await reload_after(ls, [_path(c.uri) for c in params.changes])

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: AsyncLintServer, params: types.DidChangeConfigurationParams) -> None:
        ls.settings.update(params.settings)
        await ls.on_worker(ls.workspaces.clear, "reloading settings")
        for uri in list(ls.docs):
            ls.schedule(uri, 0)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL], resolve_provider=False),
    )
    async def code_action(ls: AsyncLintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        return await ls.on_worker(lambda: ls._code_actions(uri, params), "computing code actions") or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: AsyncLintServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return None
        pos = Positions(doc.text, ls.workspace.position_codec)
        at = (params.position.line, params.position.character)
        parts = []
        for f in doc.findings:
            rng = pos.range(f.line, f.column, f.end_line, f.end_column)
            if (rng.start.line, rng.start.character) <= at <= (rng.end.line, rng.end.character):
                text = hover_markdown(f.code, f.message, ls.settings.docs_base_url)
                if text:
                    parts.append(text)
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: AsyncLintServer, params: None) -> None:
        for timer in ls.timers.values():
            timer.cancel()
        ls.timers.clear()
        ls.worker.shutdown(wait=True, cancel_futures=True)

    return server


async def reload_after(ls: AsyncLintServer, paths: list[str]) -> None:
    out = await ls.on_worker(lambda: ls._files_changed(paths), "reading changed files")
    if out is None:
        return
    reloaded, uris = out
    if reloaded:
        ls.log("asynclint: configuration changed; checking the open files again")
    for uri in uris:
        if reloaded:
            ls.schedule(uri, 0)
        else:
            await ls.resettle(uri)


def serve() -> None:
    """``asynclint server``: speak LSP on stdin/stdout until the client says exit."""
    build().start_io()


__all__ = ["AsyncLintServer", "build", "from_fs_path", "serve"]
