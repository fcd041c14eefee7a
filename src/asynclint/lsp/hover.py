"""Hover on a finding: the rule's summary, its "Instead" section and a link to its page."""

from __future__ import annotations

import re
import textwrap

from asynclint.lsp.convert import rule_url


def instead_section(doc: str) -> str:
    """The text under the rule doc's ``## Instead`` heading (up to the next heading)."""
    text = textwrap.dedent(doc)
    m = re.search(r"^##\s*Instead\s*$(.*?)(?=^##\s|\Z)", text, re.MULTILINE | re.DOTALL)
    return m.group(1).strip() if m else ""


def hover_markdown(code: str, message: str, docs_base: str | None) -> str | None:
    from asynclint.registry import find_rule

    rule = find_rule(code)
    if rule is None:
        return None
    parts = [f"**{rule.code}** `{rule.name}`: {rule.summary}", "", message]
    instead = instead_section(rule.doc)
    if instead:
        parts += ["", "**Instead:** " + instead]
    parts += ["", f"[{rule.code} documentation]({rule_url(rule.code, docs_base)})"]
    return "\n".join(parts)
