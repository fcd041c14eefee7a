"""Version guards of one file: which code runs only on older Pythons.

``if sys.version_info >= (3, 12): ... else: <old code>``, ternaries, ``and``/``or`` operands
after a version test, early returns under a version test, and names assigned a version test
once (``PY312 = sys.version_info >= (3, 12)``). Rules about APIs removed or deprecated in a
version skip code that never runs there.
"""

from __future__ import annotations

import ast

from asynclint.semantics.scopes import Scopes


class VersionGuards:
    def __init__(self, scopes: Scopes):
        self.scopes = scopes

    def runs_only_before(self, node: ast.AST, version: tuple[int, int]) -> bool:
        """Whether ``node`` runs only on Pythons older than ``version``, by the enclosing
        ``sys.version_info`` tests: ``if``/``else`` branches, ternaries and the operands after a
        test in an ``and``/``or`` (``sys.version_info < (3, 14) and asyncio.iscoroutinefunction(f)``)."""
        child = node
        p = getattr(node, "_asl_parent", None)
        while p is not None:
            tp = type(p)
            block = getattr(p, "body", None)
            if type(block) is list and child in block:
                # ``if sys.version_info >= (3, 12): return ...`` guards the statements after it.
                for stmt in block[: block.index(child)]:
                    if type(stmt) is ast.If and not stmt.orelse and stmt.body and type(stmt.body[-1]) in (ast.Return, ast.Raise):
                        bound = self._version_bound(stmt.test, negate=True)
                        if bound is not None and bound <= version:
                            return True
            if tp is ast.If or tp is ast.IfExp:
                branch = child in p.body if tp is ast.If else child is p.body
                other = child in p.orelse if tp is ast.If else child is p.orelse
                if branch or other:
                    bound = self._version_bound(p.test, negate=other)
                    if bound is not None and bound <= version:
                        return True
            elif tp is ast.BoolOp:
                # An operand runs only when those before it were true (``and``) or false (``or``).
                negate = type(p.op) is ast.Or
                for operand in p.values:
                    if operand is child:
                        break
                    bound = self._version_bound(operand, negate=negate)
                    if bound is not None and bound <= version:
                        return True
            child = p
            p = getattr(p, "_asl_parent", None)
        return False

    def version_lower_bound(self, test: ast.AST) -> tuple[int, int] | None:
        """``V`` when ``test`` holds on Python ``V`` and newer only (``sys.version_info >= V``)."""
        return self._version_bound(test, negate=True)

    def _version_bound(self, test: ast.AST, negate: bool) -> tuple[int, int] | None:
        """``V`` when ``test`` (negated if ``negate``) holds only on Pythons older than ``V``."""
        if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
            return self._version_bound(test.operand, not negate)
        if type(test) is ast.Name:
            # ``PY312 = sys.version_info >= (3, 12)`` assigned once, then ``if PY312:``.
            bindings = self.scopes.lookup(test.id, self.scopes.scope_of(test))
            if bindings and len(bindings) == 1 and bindings[0].kind == "assign" and type(bindings[0].value) is ast.Compare:
                return self._version_bound(bindings[0].value, negate)
            return None
        if type(test) is not ast.Compare or len(test.ops) != 1:
            return None
        left, op, right = test.left, type(test.ops[0]), test.comparators[0]
        if self._is_version_info(right) and not self._is_version_info(left):
            left, right = right, left
            op = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}.get(op)
        if op is None or not self._is_version_info(left):
            return None
        version = _version_tuple(right)
        if version is None:
            return None
        if negate:
            op = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.LtE: ast.Gt, ast.Gt: ast.LtE}.get(op)
        if op is ast.Lt:
            return version
        if op is ast.LtE and len(version) == 2:
            return (version[0], version[1] + 1)
        return None

    def _is_version_info(self, expr: ast.AST) -> bool:
        if type(expr) is ast.Subscript and type(expr.slice) is ast.Slice:
            expr = expr.value
        return self.scopes.qualname(expr) == "sys.version_info"

def _version_tuple(expr: ast.AST) -> tuple[int, int] | None:
    """``(3, 14)`` from the literal ``(3, 14)`` (a bare major ``(3,)`` means ``(3, 0)``)."""
    if type(expr) is not ast.Tuple or not 1 <= len(expr.elts) <= 3:
        return None
    parts = []
    for e in expr.elts:
        if type(e) is not ast.Constant or type(e.value) is not int:
            return None
        parts.append(e.value)
    # ``< (3, 12, 1)`` admits 3.12.0: round a micro part up, the side that claims less.
    if len(parts) == 3 and parts[2]:
        return (parts[0], parts[1] + 1)
    return (parts[0], parts[1] if len(parts) > 1 else 0)
