"""Finds every rule by walking ``asynclint.rules`` (no hand-kept list) and resolves selections."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from asynclint.rule import Rule


class SelectionError(ValueError):
    pass


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    import asynclint.rules as pkg

    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("asl"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__:
                if obj.code in found:
                    raise RuntimeError(f"duplicate rule code {obj.code}")
                found[obj.code] = obj
    return tuple(found[c] for c in sorted(found))


def rules_by_code() -> dict[str, type[Rule]]:
    return {r.code: r for r in all_rules()}


def find_rule(key: str) -> type[Rule] | None:
    key = key.strip()
    for r in all_rules():
        if r.code == key.upper() or r.name == key.lower():
            return r
    return None


def expand(selector: str) -> set[str]:
    """Codes named by a code (``ASL101``), a prefix (``ASL1``, ``ASL``, ``ALL``) or a rule name."""
    s = selector.strip()
    if not s:
        return set()
    if s.upper() == "ALL":
        return {r.code for r in all_rules()}
    rule = find_rule(s)
    if rule is not None:
        return {rule.code}
    up = s.upper()
    if up.startswith("ASL"):
        codes = {r.code for r in all_rules() if r.code.startswith(up)}
        if codes:
            return codes
    raise SelectionError(s)


def resolve_selection(select=None, extend_select=(), ignore=()) -> frozenset[str]:
    """Default is every rule that is not opt-in; an explicit selector also turns on the opt-in
    rules under it (``--extend-select ASL9``)."""
    if select is None:
        enabled = {r.code for r in all_rules() if not r.opt_in}
    else:
        enabled = set()
        for s in select:
            enabled |= expand(s)
    for s in extend_select:
        enabled |= expand(s)
    for s in ignore:
        enabled -= expand(s)
    return frozenset(enabled)
