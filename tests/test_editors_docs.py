"""docs/editors.md: its snippets are valid in their own language and name only the server's
real options; the VS Code extension passes the same options."""

from __future__ import annotations

import json
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

pytest.importorskip("pygls", reason="pygls missing: pip install -e '.[dev]'")

from asynclint.lsp.server import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "editors.md").read_text()
OPTIONS = {"lintDelay", "docsBaseUrl", "configFile", "unsafeFixAll", "cacheDir"}


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", PAGE, re.DOTALL)


def test_json_and_toml_snippets_parse():
    assert len(blocks("json")) >= 4 and len(blocks("toml")) >= 1
    for block in blocks("json"):
        json.loads(block)
    for block in blocks("toml"):
        tomllib.loads(block)


def test_every_editor_has_a_section():
    for editor in ("VS Code", "Neovim", "Helix", "Emacs (eglot)", "Sublime Text (LSP)", "Zed"):
        assert f"\n## {editor}\n" in PAGE
    assert 'vim.lsp.config("asynclint"' in PAGE and "lspconfig.asynclint.setup" in PAGE
    assert '"flake8.importStrategy": "fromEnvironment"' in PAGE


def test_documented_options_are_the_servers():
    documented = set(re.findall(r"^\| `(\w+)` \|", PAGE, re.MULTILINE))
    assert documented == OPTIONS
    s = Settings()
    s.update({"lintDelay": 250, "docsBaseUrl": "http://localhost:8000", "configFile": "ci/asynclint.toml", "unsafeFixAll": True, "cacheDir": "/tmp/c"})
    assert (s.lint_delay, s.docs_base_url, s.config_file, s.unsafe_fix_all, s.cache_dir) == (0.25, "http://localhost:8000", "ci/asynclint.toml", True, "/tmp/c")
    extension = (ROOT / "editors" / "vscode" / "src" / "extension.ts").read_text()
    sent = set(re.findall(r"^\s+(\w+): cfg\.get", extension, re.MULTILINE))
    assert sent and sent <= OPTIONS
