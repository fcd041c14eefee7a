"""Generates docs/rules/*.md from the rule classes (the single source of rule docs).

``python -m asynclint.docgen`` writes the pages; ``--check`` exits 1 when they are stale.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from asynclint.rule import Rule

FAMILIES = {
    "1": "Blocking calls in async context",
    "2": "Coroutines and tasks",
    "3": "Cancellation and exceptions",
    "4": "Event-loop API misuse and deprecations",
    "5": "Found only at run time (`asynclint run`, the pytest plugin)",
    "9": "Opinionated, opt-in",
}


def _fix_text(rule: type[Rule]) -> str:
    if rule.fix is None:
        return "No automatic fix."
    mode = "`--fix`" if rule.fix == "safe" else "`--fix --unsafe-fixes`"
    note = f" {rule.fix_note}" if rule.fix_note else ""
    return f"Fix available ({rule.fix}): applied by {mode}.{note}"


_MARKER = re.compile(r"([ \t]*)#\s*expect:[A-Z0-9, ]*?[ \t]*($|#)", re.MULTILINE)


_MARKER_CODES = re.compile(r"ASL\d+")


def _strip_markers(text: str, pointer: bool = False) -> str:
    """The examples' ``# expect:`` comments are for the test harness, not for readers; a
    comment after the marker (``# noqa: E701``) stays where it was. ``pointer``: a terminal
    has no highlighted lines, so the marker becomes ``# <- ASL101`` there."""

    def sub(m: re.Match) -> str:
        if pointer:
            return f"{m.group(1) or '  '}# <- {', '.join(_MARKER_CODES.findall(m.group(0)))}" + ("  #" if m.group(2) else "")
        return m.group(1) + m.group(2) if m.group(2) else ""

    return _MARKER.sub(sub, text)


def rule_markdown(rule: type[Rule], highlight: bool = True) -> str:
    """``highlight``: mark the flagged lines the way the docs site shows them (a terminal
    gets a plain code block)."""
    out = [f"# {rule.code}: {rule.name}", ""]
    out.append(f"{rule.summary}")
    out.append("")
    meta = [
        f"- **Default**: {'off (opt-in; enable with `--extend-select ' + rule.code + '`)' if rule.opt_in else 'on'}",
        f"- **Fix**: {_fix_text(rule)}",
        f"- **Since**: {rule.since}",
    ]
    if rule.runtime_only:
        meta.append("- **Found by**: runtime mode only (`asynclint run`, the pytest plugin); the examples are programs to run under it")
    if rule.project_wide:
        meta.append("- **Scope**: project-wide (uses the index of every module in the project)")
    out.extend(meta)
    out.append("")
    out.append(textwrap.dedent(rule.doc).strip())
    out.append("")
    if rule.options:
        out.append("## Options")
        out.append("")
        for o in rule.options:
            out.append(f"- `{o.key}` ({o.type.__name__}, default `{o.default!r}`): {o.doc}")
            if o.example:
                out.append("")
                out.append("  ```toml")
                out.append(f"  [tool.asynclint]\n  {o.example}")
                out.append("  ```")
        out.append("")
    for title, examples in (("Bad", rule.bad), ("Good", rule.good)):
        for i, ex in enumerate(examples):
            heading = f"## {title} example" + (f" {i + 1}" if len(examples) > 1 else "")
            if ex.title:
                heading += f": {ex.title}"
            out.append(heading)
            out.append("")
            if ex.target_version:
                out.append(f"With `target-version = \"{ex.target_version[0]}.{ex.target_version[1]}\"`:")
                out.append("")
            # Only the sibling modules a reader needs: empty package markers say nothing.
            shown = {f: t for f, t in ex.files.items() if textwrap.dedent(t).strip()}
            for fname, text in shown.items():
                out.append(f"`{fname}`:")
                out.append("")
                out.append("```python")
                out.append(_strip_markers(textwrap.dedent(text).strip("\n"), pointer=not highlight))
                out.append("```")
                out.append("")
            if shown:
                out.append("`example.py`:")
                out.append("")
            # The test markers (`# expect: CODE`) become highlighted lines on the site.
            flagged = sorted({line for line, _ in ex.expected()})
            out.append("```python" + (f' hl_lines="{" ".join(map(str, flagged))}"' if flagged and highlight else ""))
            out.append(_strip_markers(ex.source.rstrip("\n"), pointer=not highlight))
            out.append("```")
            out.append("")
            if ex.fixed_source is not None:
                out.append("After `--fix" + (" --unsafe-fixes" if ex.unsafe else "") + "`:")
                out.append("")
                out.append("```python")
                out.append(ex.fixed_source.rstrip("\n"))
                out.append("```")
                out.append("")
    if rule.related:
        out.append("## Related rules")
        out.append("")
        out.append(", ".join(f"[{c}]({c}.md)" for c in rule.related))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def index_markdown(rules: tuple[type[Rule], ...]) -> str:
    out = ["# Rules", "", "Every rule, by family. `asynclint rules` prints the same table.", ""]
    for fam, title in FAMILIES.items():
        members = [r for r in rules if r.code[3] == fam]
        if not members:
            continue
        out.append(f"## ASL{fam}xx: {title}")
        out.append("")
        out.append("| code | name | default | fix | summary |")
        out.append("|---|---|---|---|---|")
        for r in members:
            summary = r.summary.replace("|", "\\|")
            out.append(f"| [{r.code}]({r.code}.md) | {r.name} | {'off' if r.opt_in else 'on'} | {r.fix or '-'} | {summary} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def config_markdown(rules: tuple[type[Rule], ...]) -> str:
    from asynclint.config import SETTINGS

    out = [
        "# Configuration reference",
        "",
        "asynclint reads `[tool.asynclint]` from the nearest `pyproject.toml` that has one, or an",
        "`asynclint.toml` (same keys, top level), searching upward from the current directory.",
        "`--config FILE` names the file explicitly. Command-line flags override file values; paths",
        "and globs are relative to the directory of the configuration file. An unknown key or a",
        "bad value stops the run with exit status 2 and a message naming the file and the key.",
        "",
        "Several projects can share settings: `extend = \"../base.toml\"` starts from another file",
        "(which may itself extend one; a loop is an error naming the chain), and the settings of",
        "the file that says `extend` win.",
        "",
        "```toml",
        "[tool.asynclint]",
        'target-version = "3.12"',
        'extend-select = ["ASL9"]',
        'ignore = ["ASL104"]',
        'per-file-ignores = { "tests/*" = ["ASL101"] }',
        'blocking-calls = { "mycorp.db.query" = "mycorp.db.aquery" }',
        "```",
        "",
        "## General settings",
        "",
    ]
    for st in SETTINGS:
        default = "(see below)" if st.key == "exclude" else f"`{st.default!r}`" if st.default not in (None, [], {}) else "none" if st.default is None else f"`{st.default!r}`"
        out += [f"### `{st.key}`", "", st.doc, "", f"- Type: `{st.type}`", f"- Default: {default}", "", "```toml", st.example, "```", ""]
        if st.key == "exclude":
            out += ["Default list: " + ", ".join(f"`{p}`" for p in st.default) + ".", ""]
    users: dict[str, list] = {}  # an option several rules read is documented once
    for r in rules:
        for o in r.options:
            users.setdefault(o.key, []).append(r)
    opts = [(users[o.key], o) for r in rules for o in r.options if users[o.key][0] is r]
    if opts:
        out += ["## Rule options", ""]
        for rs, o in opts:
            used_by = ", ".join(f"[{r.code}](rules/{r.code}.md) ({r.name})" for r in rs)
            out += [
                f"### `{o.key}`",
                "",
                f"Used by {used_by}. {o.doc}",
                "",
                f"- Type: `{o.type.__name__}`",
                f"- Default: `{o.default!r}`",
                "",
            ]
            if o.example:
                out += ["```toml", o.example, "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def generated_pages() -> dict[str, str]:
    from asynclint.registry import all_rules

    rules = all_rules()
    pages = {f"rules/{r.code}.md": rule_markdown(r) for r in rules}
    pages["rules/index.md"] = index_markdown(rules)
    pages["configuration.md"] = config_markdown(rules)
    return pages


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    docs = Path(next((a for a in argv if not a.startswith("--")), "docs"))
    stale = []
    for rel, text in generated_pages().items():
        target = docs / rel
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            stale.append(rel)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    if check and stale:
        print("stale generated docs (run `python -m asynclint.docgen`): " + ", ".join(stale))
        return 1
    if not check:
        print(f"wrote {len(stale)} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
