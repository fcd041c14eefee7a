"""``asynclint server`` end to end: the real server process, driven by a real LSP client
(pytest-lsp) over stdio, on a small two-module project copied to a temporary directory."""

from __future__ import annotations

import asyncio
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

# A development environment installed before the server existed lacks these: re-run
# `pip install -e '.[dev]'` (CI installs them fresh, so there the tests always run).
pytest.importorskip("pygls", reason="pygls missing: pip install -e '.[dev]'")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp missing: pip install -e '.[dev]'")

import pytest_asyncio  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
SERVER = [sys.executable, "-m", "asynclint", "server"]
TIMEOUT = 60  # seconds: a loaded CI machine, a cold interpreter

REPO_SYNC = textwrap.dedent(
    """\
    class UserRepo:
        def save(self, user):
            ...
    """
)
SERVICE = textwrap.dedent(
    """\
    import time

    from app.repo import UserRepo


    class Service:
        def __init__(self):
            self.repo = UserRepo()

        async def register(self, user):
            self.repo.save(user)
            time.sleep(0.1)
    """
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "flake8_project", project)
    (project / "app" / "repo.py").write_text(REPO_SYNC)
    (project / "app" / "service.py").write_text(SERVICE)
    return project


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, shop: Path):
    registrations: list[types.RegistrationParams] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.append(params)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    lsp_client.shop = shop  # type: ignore[attr-defined]
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
            workspace_folders=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True, code_description_support=True, data_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll])
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
    )
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=shop.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=shop.as_uri(), name="shop")],
            initialization_options={"lintDelay": 50, "docsBaseUrl": "https://docs.example/asynclint"},
        )
    )
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------- helpers
async def until(predicate, what: str, timeout: float = TIMEOUT):
    """Wait until ``predicate()`` is truthy (the client stores every publish as it arrives)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def codes(client: LanguageClient, uri: str) -> list[tuple[int, str]] | None:
    diags = client.diagnostics.get(uri)
    if diags is None:
        return None
    return sorted((d.range.start.line + 1, str(d.code)) for d in diags)


async def diagnostics_become(client: LanguageClient, uri: str, expected: list[tuple[int, str]]) -> list[types.Diagnostic]:
    await until(lambda: codes(client, uri) == expected, f"{uri} to show {expected} (last: {codes(client, uri)})")
    return list(client.diagnostics[uri])


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text if text is not None else path.read_text()))
    )
    return uri


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text: UTF-16 units are characters) to ``text``."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(p: types.Position) -> int:
        return starts[p.line] + p.character if p.line < len(lines) else len(text)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes
    (change,) = action.edit.document_changes
    assert change.text_document.uri == uri
    return list(change.edits)


# ---------------------------------------------------------------------- tests
@pytest.mark.asyncio
async def test_diagnostics_on_open_carry_code_link_severity_and_fix(client: LanguageClient):
    service = client.shop / "app" / "service.py"
    uri = open_doc(client, service)
    diags = await diagnostics_become(client, uri, [(12, "ASL101")])
    (sleep,) = diags
    assert sleep.source == "asynclint"
    assert sleep.severity == types.DiagnosticSeverity.Warning
    assert sleep.code_description.href == "https://docs.example/asynclint/rules/ASL101/"
    assert (sleep.range.start.line, sleep.range.start.character, sleep.range.end.line, sleep.range.end.character) == (11, 8, 11, 23)
    assert sleep.data["fix"]["applicability"] == "safe"
    # The server asked to be told about files changed on disk.
    (reg,) = await until(lambda: client.registrations, "the watched-files registration")
    assert reg.registrations[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES


@pytest.mark.asyncio
async def test_diagnostics_follow_change_and_save(client: LanguageClient):
    service = client.shop / "app" / "service.py"
    uri = open_doc(client, service)
    await diagnostics_become(client, uri, [(12, "ASL101")])
    # Typing: a second blocking call appears, unsaved.
    changed = SERVICE + "        time.sleep(1)\n"
    replace_all(client, uri, changed, 2)
    await diagnostics_become(client, uri, [(12, "ASL101"), (13, "ASL101")])
    # Saved, then the first call is removed on disk and the save is announced.
    fixed = changed.replace("        time.sleep(0.1)\n", "")
    replace_all(client, uri, fixed, 3)
    service.write_text(fixed)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await diagnostics_become(client, uri, [(12, "ASL101")])


@pytest.mark.asyncio
async def test_quick_fix_applied_and_the_diagnostic_gone(client: LanguageClient):
    service = client.shop / "app" / "service.py"
    uri = open_doc(client, service)
    (diag,) = await diagnostics_become(client, uri, [(12, "ASL101")])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix]),
        )
    )
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.title.startswith("Fix ASL101"))
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert "Ignore ASL101 on this line (# noqa: ASL101)" in titles
    fixed = apply(SERVICE, edits_of(fix, uri))
    assert "        await asyncio.sleep(0.1)\n" in fixed and "import asyncio\n" in fixed
    replace_all(client, uri, fixed, 2)
    await diagnostics_become(client, uri, [])


@pytest.mark.asyncio
async def test_noqa_action_silences_the_line(client: LanguageClient):
    service = client.shop / "app" / "service.py"
    uri = open_doc(client, service)
    (diag,) = await diagnostics_become(client, uri, [(12, "ASL101")])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range, context=types.CodeActionContext(diagnostics=[diag]))
    )
    noqa = next(a for a in actions if a.title.startswith("Ignore ASL101"))
    silenced = apply(SERVICE, edits_of(noqa, uri))
    assert "        time.sleep(0.1)  # noqa: ASL101\n" in silenced
    replace_all(client, uri, silenced, 2)
    await diagnostics_become(client, uri, [])


@pytest.mark.asyncio
async def test_fix_all_source_action(client: LanguageClient):
    path = client.shop / "app" / "jobs.py"
    text = "import time\n\n\nasync def a():\n    time.sleep(1)\n\n\nasync def b():\n    time.sleep(2)\n"
    path.write_text(text)
    uri = open_doc(client, path)
    await diagnostics_become(client, uri, [(5, "ASL101"), (9, "ASL101")])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.asynclint"
    fixed = apply(text, edits_of(fix_all, uri))
    assert fixed.count("await asyncio.sleep(") == 2 and "import asyncio\n" in fixed


@pytest.mark.asyncio
async def test_hover_shows_the_rule_and_what_to_do_instead(client: LanguageClient):
    service = client.shop / "app" / "service.py"
    uri = open_doc(client, service)
    (diag,) = await diagnostics_become(client, uri, [(12, "ASL101")])
    hover = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=11, character=12)))
    assert hover is not None
    value = hover.contents.value
    assert "**ASL101** `blocking-sleep`" in value
    assert "**Instead:** `await asyncio.sleep(seconds)`" in value
    assert "https://docs.example/asynclint/rules/ASL101/" in value
    nothing = await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_a_callee_edited_in_another_buffer_resettles_the_caller(client: LanguageClient):
    shop = client.shop
    service_uri = open_doc(client, shop / "app" / "service.py")
    await diagnostics_become(client, service_uri, [(12, "ASL101")])
    repo_uri = open_doc(client, shop / "app" / "repo.py")
    await until(lambda: codes(client, repo_uri) == [], "repo.py to be checked")
    # repo.py's save becomes async in the editor, unsaved: the open service.py is flagged.
    replace_all(client, repo_uri, REPO_SYNC.replace("def save", "async def save"), 2)
    await diagnostics_become(client, service_uri, [(11, "ASL201"), (12, "ASL101")])
    # Closing repo.py unsaved: the disk (still sync) counts again.
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=repo_uri)))
    await diagnostics_become(client, service_uri, [(12, "ASL101")])
    # Changed on disk by another tool, announced by the editor's file watcher.
    (shop / "app" / "repo.py").write_text(REPO_SYNC.replace("def save", "async def save"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=(shop / "app" / "repo.py").as_uri(), type=types.FileChangeType.Changed)])
    )
    await diagnostics_become(client, service_uri, [(11, "ASL201"), (12, "ASL101")])


@pytest.mark.asyncio
async def test_configuration_change_reloads(client: LanguageClient):
    shop = client.shop
    uri = open_doc(client, shop / "app" / "service.py")
    await diagnostics_become(client, uri, [(12, "ASL101")])
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'ignore = ["ASL101"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)])
    )
    await diagnostics_become(client, uri, [])


@pytest.mark.asyncio
async def test_a_syntax_error_is_one_diagnostic_and_the_server_stays_up(client: LanguageClient):
    broken = client.shop / "app" / "broken.py"
    text = "async def f():\n    x = (1,\n\nasync def g():\n    pass\n"
    broken.write_text(text)
    uri = open_doc(client, broken)
    await until(lambda: client.diagnostics.get(uri), "broken.py's diagnostics")
    (diag,) = client.diagnostics[uri]
    assert diag.severity == types.DiagnosticSeverity.Error and diag.code is None
    assert "syntax error" in diag.message
    assert diag.range.start.line in (1, 2, 3)
    # Still serving: another document gets its findings.
    service_uri = open_doc(client, client.shop / "app" / "service.py")
    await diagnostics_become(client, service_uri, [(12, "ASL101")])
    # And the broken one recovers when it parses again.
    replace_all(client, uri, "import time\n\n\nasync def f():\n    time.sleep(1)\n", 2)
    await diagnostics_become(client, uri, [(5, "ASL101")])


@pytest.mark.asyncio
async def test_shutdown_and_exit(lsp_client_for_shutdown):
    client, process = lsp_client_for_shutdown
    await client.shutdown_async(None)
    client.exit(None)
    assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0


@pytest_asyncio.fixture
async def lsp_client_for_shutdown(shop: Path):
    """A session whose shutdown the test does itself, to see the exit status."""
    from pytest_lsp.client import make_test_lsp_client

    client = make_test_lsp_client()
    await client.start_io(*SERVER)
    await client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=shop.as_uri()))
    yield client, client._server
    await client.stop()


CONFIG = textwrap.dedent(
    """\
    import time


    def read_config():
        time.sleep(0.1)  # waiting for the file to settle
        return {}


    def load():
        return read_config()
    """
)
JOBS = textwrap.dedent(
    """\
    from app.config import load


    async def first():
        return load()


    async def second():
        return load()


    async def third():
        load()
    """
)


@pytest.mark.asyncio
async def test_call_sites_sharing_a_blocking_helper_say_so_and_point_to_it(client: LanguageClient):
    """Issue 16: ASL110 diagnostics of one root cause (every call site of one blocking helper)
    say how many other call sites share it, and their related information leads to the
    helper, to its blocking call and to the other call sites."""
    shop = client.shop
    (shop / "app" / "config.py").write_text(CONFIG)
    jobs = shop / "app" / "jobs.py"
    jobs.write_text(JOBS)
    uri = open_doc(client, jobs)
    diags = await diagnostics_become(client, uri, [(5, "ASL110"), (9, "ASL110"), (13, "ASL110")])
    config_uri = (shop / "app" / "config.py").as_uri()
    root = "`load()` (app/config.py:9)"
    for diag in diags:
        assert diag.message.startswith("`load()` defined at app/config.py:9 blocks the event loop: load() -> read_config() -> time.sleep()")
        assert diag.message.endswith(f" [2 more call sites of {root} in this file]")
        assert diag.data["root"] == root
        related = [(r.location.uri, r.location.range.start.line, r.message) for r in diag.related_information]
        assert related[:2] == [
            (config_uri, 8, "`load()` blocks: load() -> read_config() -> time.sleep()"),
            (config_uri, 4, "the blocking call: `time.sleep()`"),
        ]
        others = sorted(r[1] for r in related[2:])
        assert others == sorted({4, 8, 12} - {diag.range.start.line})
        assert all(r[0] == uri and r[2] == f"another call site of {root}" for r in related[2:])
    # One call site left: nothing to group, the root is still related.
    replace_all(client, uri, JOBS.split("\n\nasync def second")[0] + "\n", 2)
    (only,) = await diagnostics_become(client, uri, [(5, "ASL110")])
    assert "more call site" not in only.message
    assert [r.location.range.start.line for r in only.related_information] == [8, 4]
