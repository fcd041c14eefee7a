"""The docs site: generated pages are not stale, and ``mkdocs build --strict`` passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.docgen import generated_pages
from asynclint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_generated_pages_are_up_to_date():
    stale = [rel for rel, text in generated_pages().items() if not (DOCS / rel).exists() or (DOCS / rel).read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m asynclint.docgen` to regenerate: {stale}"


def test_no_orphan_rule_pages():
    pages = {p.name for p in (DOCS / "rules").glob("ASL*.md")}
    assert pages == {f"{r.code}.md" for r in all_rules()}


def test_every_rule_page_has_examples_and_help_uri_targets_it():
    for rule in all_rules():
        text = (DOCS / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")
        assert "## Bad example" in text and "## Good example" in text, rule.code
        assert rule.doc_url().endswith(f"/rules/{rule.code}/")


@pytest.mark.skipif(shutil.which("mkdocs") is None and not (Path(sys.executable).parent / "mkdocs").exists(), reason="mkdocs not installed")
def test_mkdocs_build_strict(tmp_path):
    exe = Path(sys.executable).parent / "mkdocs"
    cmd = [str(exe) if exe.exists() else "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (tmp_path / "site" / "rules" / "ASL101" / "index.html").read_text(encoding="utf-8")
    # The flagged line of the bad example is highlighted; the test marker is not shown.
    assert 'class="hll"' in page and "expect:" not in page


def test_examples_render_without_test_markers_and_flag_lines_by_highlight():
    for rel, text in generated_pages().items():
        assert "# expect:" not in text, rel
    page = generated_pages()["rules/ASL101.md"]
    rule = next(r for r in all_rules() if r.code == "ASL101")
    lines = sorted({n for n, _ in rule.bad[0].expected()})
    assert f'```python hl_lines="{" ".join(map(str, lines))}"' in page


def test_multi_module_examples_show_only_the_files_that_matter():
    page = generated_pages()["rules/ASL201.md"]
    assert "`app/repo.py`:" in page and "`example.py`:" in page
    assert "`app/__init__.py`:" not in page  # an empty package marker says nothing


def test_rule_command_shows_flagged_lines_without_markers():
    from click.testing import CliRunner

    from asynclint.cli import main

    out = CliRunner().invoke(main, ["rule", "ASL101"]).output
    assert "# expect:" not in out and "hl_lines" not in out
    assert "time.sleep(0.5)  # <- ASL101" in out
