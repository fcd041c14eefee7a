"""libcst's tree as the ``ast`` nodes the rules read: the fallback parser for syntax newer than
the running interpreter (PEP 695/696 type parameters, PEP 701 f-strings, PEP 750 t-strings,
PEP 758 ``except A, B``, and whatever libcst reads that this ``ast`` does not).

Positions follow ``ast``'s conventions exactly (1-based lines, UTF-8 byte columns, the same
start/end for every node kind, parentheses included only where ``ast`` includes them), so a
finding and a fix edit land where they would if the interpreter could parse the file.
Constructs the interpreter's ``ast`` cannot hold map to the closest shape that keeps the
analysis right: type parameters are dropped, ``type X = v`` is ``X = v``, a t-string is an
f-string, ``except A, B`` is ``except (A, B)``, ``lazy import`` is ``import``.
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
import warnings
from contextlib import contextmanager
from typing import Any, Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class ConversionError(Exception):
    """A node the converter does not know (a libcst newer than this module)."""


def parse_module(text: str) -> cst.Module:
    """libcst's parse (its native parser, the newest grammar); raises ``cst.ParserSyntaxError``."""
    with _deep_recursion():
        return cst.parse_module(text)


def convert(module: cst.Module, text: str) -> ast.Module:
    """The ``ast.Module`` for ``module`` (parsed from ``text``)."""
    with _deep_recursion():
        return _Converter(module, text).module()


_RECURSION = 10_000


@contextmanager
def _deep_recursion():
    # libcst's tree nests a concatenated string once per part, and its code generation recurses
    # through them (pydoc's topics.py has strings of hundreds of parts): more room than the
    # default, for this call only.
    limit = sys.getrecursionlimit()
    if limit < _RECURSION:
        sys.setrecursionlimit(_RECURSION)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


_LOAD, _STORE, _DEL = ast.Load(), ast.Store(), ast.Del()

_BINOPS: dict[type, type] = {
    cst.Add: ast.Add, cst.Subtract: ast.Sub, cst.Multiply: ast.Mult, cst.MatrixMultiply: ast.MatMult,
    cst.Divide: ast.Div, cst.Modulo: ast.Mod, cst.Power: ast.Pow, cst.LeftShift: ast.LShift,
    cst.RightShift: ast.RShift, cst.BitOr: ast.BitOr, cst.BitXor: ast.BitXor, cst.BitAnd: ast.BitAnd,
    cst.FloorDivide: ast.FloorDiv,
}
_AUGOPS: dict[type, type] = {
    cst.AddAssign: ast.Add, cst.SubtractAssign: ast.Sub, cst.MultiplyAssign: ast.Mult,
    cst.MatrixMultiplyAssign: ast.MatMult, cst.DivideAssign: ast.Div, cst.ModuloAssign: ast.Mod,
    cst.PowerAssign: ast.Pow, cst.LeftShiftAssign: ast.LShift, cst.RightShiftAssign: ast.RShift,
    cst.BitOrAssign: ast.BitOr, cst.BitXorAssign: ast.BitXor, cst.BitAndAssign: ast.BitAnd,
    cst.FloorDivideAssign: ast.FloorDiv,
}
_UNARY: dict[type, type] = {cst.Not: ast.Not, cst.Minus: ast.USub, cst.Plus: ast.UAdd, cst.BitInvert: ast.Invert}
_CMPOPS: dict[type, type] = {
    cst.Equal: ast.Eq, cst.NotEqual: ast.NotEq, cst.LessThan: ast.Lt, cst.LessThanEqual: ast.LtE,
    cst.GreaterThan: ast.Gt, cst.GreaterThanEqual: ast.GtE, cst.Is: ast.Is, cst.IsNot: ast.IsNot,
    cst.In: ast.In, cst.NotIn: ast.NotIn,
}
_KEYWORD_CONSTANTS = {"None": None, "True": True, "False": False}
_TEMPLATE_PARTS = (getattr(cst, "TemplatedStringExpression", ()), getattr(cst, "TemplatedStringText", ()))
_HAS_TYPE_PARAMS = sys.version_info >= (3, 12)
_TryStar = getattr(ast, "TryStar", ast.Try)

# One escape sequence of a (non-raw) string literal, or a doubled brace of an f-string's text.
_ESCAPE = re.compile(r"\\(N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\r\n|[\s\S])|\{\{|\}\}")
_SIMPLE_ESCAPES = {"\n": "", "\r\n": "", "\r": "", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
                   "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape(body: str, raw: bool, is_bytes: bool) -> str:
    def one(m: re.Match) -> str:
        whole = m.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        if raw:
            return whole
        esc = m.group(1)
        if esc in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[esc]
        head = esc[0]
        if head in "01234567":
            return chr(int(esc, 8))
        if head == "x":
            return chr(int(esc[1:], 16))
        if not is_bytes and head in "uU":
            return chr(int(esc[1:], 16))
        if not is_bytes and head == "N":
            import unicodedata

            try:
                return unicodedata.lookup(esc[2:-1])
            except KeyError:
                return whole
        return whole  # an unknown escape keeps its backslash

    return _ESCAPE.sub(one, body)


def _newlines(s: str) -> str:
    # The tokenizer reads every line ending inside a literal as \n.
    return s.replace("\r\n", "\n").replace("\r", "\n") if "\r" in s else s


class _Converter:
    def __init__(self, module: cst.Module, text: str):
        self.cst_module = module
        self.pos = _positions(module)
        self.lines = text.splitlines(keepends=False) if False else _split(text)
        self._byte_cols: dict[int, Callable[[int], int]] = {}

    # ------------------------------------------------------------------ positions
    def _col(self, line: int, col: int) -> int:
        """The UTF-8 byte column of character column ``col`` on ``line`` (what ``ast`` counts)."""
        if line > len(self.lines):
            return col
        s = self.lines[line - 1]
        if s.isascii():
            return col
        return len(s[:col].encode("utf-8", "surrogatepass"))

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        line, col = self.pos[id(node)][0]
        return line, self._col(line, col)

    def end(self, node: cst.CSTNode) -> tuple[int, int]:
        line, col = self.pos[id(node)][1]
        return line, self._col(line, col)

    def place(self, out: ast.AST, first: cst.CSTNode, last: cst.CSTNode | None = None) -> Any:
        out.lineno, out.col_offset = self.start(first)
        out.end_lineno, out.end_col_offset = self.end(last if last is not None else first)
        return out

    def place_at(self, out: ast.AST, start: tuple[int, int], end: tuple[int, int]) -> Any:
        out.lineno, out.col_offset = start
        out.end_lineno, out.end_col_offset = end
        return out

    def paren_span(self, node: cst.CSTNode) -> tuple[cst.CSTNode, cst.CSTNode]:
        """The innermost parentheses of a node (``ast`` counts them as part of a tuple)."""
        lpar, rpar = getattr(node, "lpar", ()), getattr(node, "rpar", ())
        if lpar and rpar:
            return lpar[-1], rpar[0]
        return node, node

    def after(self, at: tuple[int, int], char: str) -> tuple[int, int]:
        """The byte position of the first ``char`` at or after character position ``at``
        (line, character column), skipping whitespace and comments."""
        line, col = at
        while line <= len(self.lines):
            s = self.lines[line - 1]
            i = col
            while i < len(s):
                c = s[i]
                if c == char:
                    return line, self._col(line, i)
                if c == "#":
                    break
                i += 1
            line, col = line + 1, 0
        raise ConversionError(f"no {char!r} after line {at[0]}")

    def char_end(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.pos[id(node)][1]

    # ------------------------------------------------------------------ module and statements
    def module(self) -> ast.Module:
        return ast.Module(body=self.stmts(self.cst_module.body), type_ignores=[])

    def stmts(self, nodes) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for n in nodes:
            if isinstance(n, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                out.extend(self.small(s) for s in n.body)
            else:
                out.append(self.compound(n))
        return out

    def block(self, suite) -> list[ast.stmt]:
        if isinstance(suite, cst.SimpleStatementSuite):
            return [self.small(s) for s in suite.body]
        return self.stmts(suite.body)

    def stmt_end(self, n: cst.CSTNode) -> tuple[int, int]:
        """Where ``ast`` ends a statement with a body: the end of its last statement."""
        return self._last_end(n)

    def _last_end(self, n) -> tuple[int, int]:
        if isinstance(n, cst.SimpleStatementLine):
            return self.simple_end(n)
        for attr in ("finalbody", "orelse", "handlers", "cases", "body"):
            v = getattr(n, attr, None)
            if v is None:
                continue
            if attr == "finalbody":
                return self._last_end(v.body)
            if attr == "orelse":
                return self._last_end(v if isinstance(v, cst.If) else v.body)
            if attr in ("handlers", "cases"):
                if v:
                    return self._last_end(v[-1])
                continue
            if isinstance(v, cst.SimpleStatementSuite):
                return self.simple_end(v)
            if isinstance(v, cst.IndentedBlock):
                return self._last_end(v.body[-1])
            if isinstance(v, (list, tuple)):
                return self._last_end(v[-1])
            return self._last_end(v)
        if isinstance(n, cst.SimpleStatementLine):
            return self.simple_end(n)
        return self.end(n)

    def simple_end(self, line) -> tuple[int, int]:
        # A block ends after a trailing semicolon of its last line (its statement does not).
        last = line.body[-1]
        return self.end(last.semicolon if isinstance(last.semicolon, cst.Semicolon) else last)

    def small(self, n: cst.BaseSmallStatement) -> ast.stmt:
        m = getattr(self, "s_" + type(n).__name__, None)
        if m is None:
            raise ConversionError(f"unknown statement {type(n).__name__}")
        out = m(n)
        if getattr(out, "lineno", None) is None:
            self.place(out, n)
        return out

    def s_Expr(self, n: cst.Expr) -> ast.stmt:
        value = self.expr(n.value)
        return self.place(ast.Expr(value=value), *self.outer(n.value))

    def outer(self, n: cst.CSTNode) -> tuple[cst.CSTNode, cst.CSTNode]:
        lpar, rpar = getattr(n, "lpar", ()), getattr(n, "rpar", ())
        if lpar and rpar:
            return lpar[0], rpar[-1]
        return n, n

    def s_Assign(self, n: cst.Assign) -> ast.stmt:
        targets = [self.expr(t.target, _STORE) for t in n.targets]
        value = self.expr(n.value)
        first = self.outer(n.targets[0].target)[0]
        return self.place(ast.Assign(targets=targets, value=value, type_comment=None), first, self.outer(n.value)[1])

    def s_AnnAssign(self, n: cst.AnnAssign) -> ast.stmt:
        simple = int(isinstance(n.target, cst.Name) and not n.target.lpar)
        out = ast.AnnAssign(
            target=self.expr(n.target, _STORE),
            annotation=self.expr(n.annotation.annotation),
            value=self.expr(n.value) if n.value is not None else None,
            simple=simple,
        )
        last = self.outer(n.value)[1] if n.value is not None else self.outer(n.annotation.annotation)[1]
        return self.place(out, self.outer(n.target)[0], last)

    def s_AugAssign(self, n: cst.AugAssign) -> ast.stmt:
        out = ast.AugAssign(target=self.expr(n.target, _STORE), op=_AUGOPS[type(n.operator)](), value=self.expr(n.value))
        return self.place(out, self.outer(n.target)[0], self.outer(n.value)[1])

    def s_TypeAlias(self, n) -> ast.stmt:
        # ``type X[T] = v``: an assignment of ``X`` (the parameters dropped, as in a def).
        target = self.place(ast.Name(id=_ident(n.name.value), ctx=_STORE), n.name)
        return ast.Assign(targets=[target], value=self.expr(n.value), type_comment=None)

    def s_Return(self, n: cst.Return) -> ast.stmt:
        return ast.Return(value=self.expr(n.value) if n.value is not None else None)

    def s_Raise(self, n: cst.Raise) -> ast.stmt:
        return ast.Raise(
            exc=self.expr(n.exc) if n.exc is not None else None,
            cause=self.expr(n.cause.item) if n.cause is not None else None,
        )

    def s_Assert(self, n: cst.Assert) -> ast.stmt:
        return ast.Assert(test=self.expr(n.test), msg=self.expr(n.msg) if n.msg is not None else None)

    def s_Del(self, n: cst.Del) -> ast.stmt:
        t = n.target
        if isinstance(t, cst.Tuple) and not t.lpar:
            targets = [self.expr(e.value, _DEL) for e in t.elements]
        else:
            targets = [self.expr(t, _DEL)]
        return ast.Delete(targets=targets)

    def s_Pass(self, n) -> ast.stmt:
        return ast.Pass()

    def s_Break(self, n) -> ast.stmt:
        return ast.Break()

    def s_Continue(self, n) -> ast.stmt:
        return ast.Continue()

    def s_Global(self, n: cst.Global) -> ast.stmt:
        return ast.Global(names=[_ident(i.name.value) for i in n.names])

    def s_Nonlocal(self, n: cst.Nonlocal) -> ast.stmt:
        return ast.Nonlocal(names=[_ident(i.name.value) for i in n.names])

    def alias(self, a: cst.ImportAlias) -> ast.alias:
        name = self.dotted(a.name)
        asname = _ident(a.asname.name.value) if a.asname is not None else None
        first, last = a.name, (a.asname.name if a.asname is not None else a.name)
        return self.place(ast.alias(name=name, asname=asname), first, last)

    def dotted(self, n) -> str:
        if isinstance(n, cst.Name):
            return _ident(n.value)
        return f"{self.dotted(n.value)}.{_ident(n.attr.value)}"

    def s_Import(self, n: cst.Import) -> ast.stmt:
        return ast.Import(names=[self.alias(a) for a in n.names])

    s_LazyImport = s_Import

    def s_ImportFrom(self, n: cst.ImportFrom) -> ast.stmt:
        if isinstance(n.names, cst.ImportStar):
            names = [self.place(ast.alias(name="*", asname=None), n.names)]
        else:
            names = [self.alias(a) for a in n.names]
        out = ast.ImportFrom(module=self.dotted(n.module) if n.module is not None else None, names=names, level=len(n.relative))
        if n.rpar is not None:
            return self.place(out, n, n.rpar)
        return out

    s_LazyImportFrom = s_ImportFrom

    def compound(self, n: cst.BaseCompoundStatement) -> ast.stmt:
        m = getattr(self, "c_" + type(n).__name__, None)
        if m is None:
            raise ConversionError(f"unknown statement {type(n).__name__}")
        out = m(n)
        if getattr(out, "lineno", None) is None:
            self.place_at(out, self.start(n), self.stmt_end(n))
        return out

    def c_If(self, n: cst.If) -> ast.stmt:
        orelse: list[ast.stmt] = []
        if isinstance(n.orelse, cst.If):
            orelse = [self.compound(n.orelse)]
        elif n.orelse is not None:
            orelse = self.block(n.orelse.body)
        return ast.If(test=self.expr(n.test), body=self.block(n.body), orelse=orelse)

    def c_While(self, n: cst.While) -> ast.stmt:
        return ast.While(test=self.expr(n.test), body=self.block(n.body), orelse=self.block(n.orelse.body) if n.orelse else [])

    def c_For(self, n: cst.For) -> ast.stmt:
        cls = ast.AsyncFor if n.asynchronous is not None else ast.For
        return cls(
            target=self.expr(n.target, _STORE), iter=self.expr(n.iter), body=self.block(n.body),
            orelse=self.block(n.orelse.body) if n.orelse else [], type_comment=None,
        )

    def c_With(self, n: cst.With) -> ast.stmt:
        cls = ast.AsyncWith if n.asynchronous is not None else ast.With
        items = [
            ast.withitem(
                context_expr=self.expr(i.item),
                optional_vars=self.expr(i.asname.name, _STORE) if i.asname is not None else None,
            )
            for i in n.items
        ]
        return cls(items=items, body=self.block(n.body), type_comment=None)

    def handler(self, h) -> ast.excepthandler:
        typ = None
        if h.type is not None:
            typ = self.expr(h.type)
        out = ast.ExceptHandler(type=typ, name=_ident(h.name.name.value) if h.name is not None else None, body=self.block(h.body))
        return self.place_at(out, self.start(h), self._last_end(h))

    def c_Try(self, n: cst.Try) -> ast.stmt:
        return ast.Try(
            body=self.block(n.body), handlers=[self.handler(h) for h in n.handlers],
            orelse=self.block(n.orelse.body) if n.orelse else [],
            finalbody=self.block(n.finalbody.body) if n.finalbody else [],
        )

    def c_TryStar(self, n) -> ast.stmt:
        return _TryStar(
            body=self.block(n.body), handlers=[self.handler(h) for h in n.handlers],
            orelse=self.block(n.orelse.body) if n.orelse else [],
            finalbody=self.block(n.finalbody.body) if n.finalbody else [],
        )

    def decorators(self, n) -> list[ast.expr]:
        return [self.expr(d.decorator) for d in n.decorators]

    def c_FunctionDef(self, n: cst.FunctionDef) -> ast.stmt:
        cls = ast.AsyncFunctionDef if n.asynchronous is not None else ast.FunctionDef
        kw: dict[str, Any] = {"type_params": []} if _HAS_TYPE_PARAMS else {}
        out = cls(
            name=_ident(n.name.value), args=self.arguments(n.params), body=self.block(n.body),
            decorator_list=self.decorators(n), returns=self.expr(n.returns.annotation) if n.returns else None,
            type_comment=None, **kw,
        )
        return self.place_at(out, self.start(n.asynchronous or self._def_keyword(n)), self.stmt_end(n))

    def _def_keyword(self, n) -> cst.CSTNode:
        return n  # libcst starts a def at its keyword, after the decorators

    def c_ClassDef(self, n: cst.ClassDef) -> ast.stmt:
        bases, keywords = self.call_args(n.bases + n.keywords)
        kw: dict[str, Any] = {"type_params": []} if _HAS_TYPE_PARAMS else {}
        return ast.ClassDef(name=_ident(n.name.value), bases=bases, keywords=keywords, body=self.block(n.body), decorator_list=self.decorators(n), **kw)

    def c_Match(self, n) -> ast.stmt:
        return ast.Match(subject=self.expr(n.subject), cases=[self.match_case(c) for c in n.cases])

    def match_case(self, c) -> ast.match_case:
        return ast.match_case(pattern=self.pattern(c.pattern), guard=self.expr(c.guard) if c.guard is not None else None, body=self.block(c.body))

    # ------------------------------------------------------------------ arguments
    def arg(self, p: cst.Param) -> ast.arg:
        ann = self.expr(p.annotation.annotation) if p.annotation is not None else None
        last = self.outer(p.annotation.annotation)[1] if p.annotation is not None else p.name
        return self.place(ast.arg(arg=_ident(p.name.value), annotation=ann, type_comment=None), p.name, last)

    def arguments(self, ps: cst.Parameters) -> ast.arguments:
        positional = list(ps.posonly_params) + list(ps.params)
        defaults = [self.expr(p.default) for p in positional if p.default is not None]
        vararg = ps.star_arg if isinstance(ps.star_arg, cst.Param) else None
        kwarg = ps.star_kwarg
        return ast.arguments(
            posonlyargs=[self.arg(p) for p in ps.posonly_params],
            args=[self.arg(p) for p in ps.params],
            vararg=self.arg(vararg) if vararg is not None else None,
            kwonlyargs=[self.arg(p) for p in ps.kwonly_params],
            kw_defaults=[self.expr(p.default) if p.default is not None else None for p in ps.kwonly_params],
            kwarg=self.arg(kwarg) if kwarg is not None else None,
            defaults=defaults,
        )

    def call_args(self, args) -> tuple[list[ast.expr], list[ast.keyword]]:
        pos: list[ast.expr] = []
        kws: list[ast.keyword] = []
        for a in args:
            if a.keyword is not None:
                kws.append(self.place(ast.keyword(arg=_ident(a.keyword.value), value=self.expr(a.value)), a.keyword, self.outer(a.value)[1]))
            elif a.star == "**":
                kws.append(self.place(ast.keyword(arg=None, value=self.expr(a.value)), a, self.outer(a.value)[1]))
            elif a.star == "*":
                pos.append(self.place(ast.Starred(value=self.expr(a.value), ctx=_LOAD), a, self.outer(a.value)[1]))
            else:
                pos.append(self.expr(a.value))
        return pos, kws

    # ------------------------------------------------------------------ expressions
    def e_StarredElement(self, n: cst.StarredElement, ctx: ast.expr_context) -> ast.expr:
        # A starred element reached as an expression of its own (stdlib shard 21 has one).
        return self.place(ast.Starred(value=self.expr(n.value, ctx), ctx=ctx), n, self.outer(n.value)[1])

    def expr(self, n: cst.BaseExpression, ctx: ast.expr_context = _LOAD) -> ast.expr:
        m = getattr(self, "e_" + type(n).__name__, None)
        if m is None:
            raise ConversionError(f"unknown expression {type(n).__name__}")
        out = m(n, ctx)
        if getattr(out, "lineno", None) is None:
            self.place(out, n)
        return out

    def e_Name(self, n: cst.Name, ctx) -> ast.expr:
        if n.value in _KEYWORD_CONSTANTS:
            return ast.Constant(value=_KEYWORD_CONSTANTS[n.value], kind=None)
        return ast.Name(id=_ident(n.value), ctx=ctx)

    def e_Integer(self, n, ctx) -> ast.expr:
        return ast.Constant(value=ast.literal_eval(n.value), kind=None)

    e_Float = e_Imaginary = e_Integer

    def e_Ellipsis(self, n, ctx) -> ast.expr:
        return ast.Constant(value=..., kind=None)

    def e_SimpleString(self, n: cst.SimpleString, ctx) -> ast.expr:
        return ast.Constant(value=self.string_value(n), kind="u" if n.prefix.lower().startswith("u") else None)

    def string_value(self, n: cst.SimpleString) -> str | bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return ast.literal_eval(n.value)
            except (SyntaxError, ValueError):
                pass
        prefix = n.prefix.lower()
        q = n.quote
        body = n.value[len(n.prefix) + len(q): -len(q)]
        value = _unescape(_newlines(body), "r" in prefix, "b" in prefix)
        return value.encode("latin-1", "backslashreplace") if "b" in prefix else value

    def e_ConcatenatedString(self, n: cst.ConcatenatedString, ctx) -> ast.expr:
        parts: list = []
        stack = [n]
        while stack:
            s = stack.pop()
            if isinstance(s, cst.ConcatenatedString):
                stack.append(s.right)
                stack.append(s.left)
            else:
                parts.append(s)
        if all(isinstance(p, cst.SimpleString) for p in parts):
            values = [self.string_value(p) for p in parts]
            kind = "u" if parts[0].prefix.lower().startswith("u") else None
            return ast.Constant(value=values[0][:0].join(values), kind=kind)
        out = ast.JoinedStr(values=[])
        self.place(out, n)
        values: list = []
        for p in parts:
            if isinstance(p, cst.SimpleString):
                values.append(self.place(ast.Constant(value=self.string_value(p), kind=None), n))
            else:
                values.extend(self.fstring_values(p, p.parts, n))
        out.values = self.merge(values, n)
        return out

    def e_FormattedString(self, n, ctx) -> ast.expr:
        out = ast.JoinedStr(values=[])
        out.values = self.merge(self.fstring_values(n, n.parts, n), n)
        return out

    e_TemplatedString = e_FormattedString

    def merge(self, values: list, at: cst.CSTNode) -> list:
        """Adjacent text parts as one constant, empty ones dropped (as ``ast`` has them)."""
        out: list = []
        for v in values:
            if isinstance(v, ast.Constant):
                if v.value == "":
                    continue
                if out and isinstance(out[-1], ast.Constant):
                    out[-1] = self.place(ast.Constant(value=out[-1].value + v.value, kind=None), at)
                    continue
            out.append(v)
        return out

    def fstring_values(self, s, parts, at: cst.CSTNode) -> list:
        prefix = s.start.lower()
        raw = "r" in prefix[: -1].rstrip("'\"") or "r" in prefix.rstrip("'\"")
        values: list = []
        for p in parts:
            if isinstance(p, (cst.FormattedStringText, *_tuple(_TEMPLATE_PARTS[1]))):
                values.append(self.place(ast.Constant(value=_unescape(_newlines(p.value), raw, False), kind=None), at))
                continue
            if p.equal is not None:
                # f"{x=}": the expression's own text, then its value (repr unless a spec says).
                text = "".join(
                    [
                        self.cst_module.code_for_node(p.whitespace_before_expression),
                        self.cst_module.code_for_node(p.expression),
                        self.cst_module.code_for_node(p.whitespace_after_expression),
                        "=",
                        self.cst_module.code_for_node(p.equal.whitespace_after),
                    ]
                )
                values.append(self.place(ast.Constant(value=_newlines(text), kind=None), at))
            conversion = ord(p.conversion) if p.conversion else -1
            if p.equal is not None and conversion == -1 and p.format_spec is None:
                conversion = ord("r")
            spec = None
            if p.format_spec is not None:
                spec = self.place(ast.JoinedStr(values=[]), at)
                spec.values = self.merge(self.fstring_values(s, p.format_spec, at), at)
            values.append(self.place(ast.FormattedValue(value=self.expr(p.expression), conversion=conversion, format_spec=spec), at))
        return values

    def e_Attribute(self, n: cst.Attribute, ctx) -> ast.expr:
        return ast.Attribute(value=self.expr(n.value), attr=_ident(n.attr.value), ctx=ctx)

    def e_Subscript(self, n: cst.Subscript, ctx) -> ast.expr:
        elems = n.slice
        if len(elems) == 1 and elems[0].comma is cst.MaybeSentinel.DEFAULT:
            index = self.slice(elems[0].slice)
        else:
            index = ast.Tuple(elts=[self.slice(e.slice) for e in elems], ctx=_LOAD)
            last = elems[-1].comma if isinstance(elems[-1].comma, cst.Comma) else elems[-1].slice
            self.place(index, elems[0].slice, last)
            if isinstance(elems[-1].comma, cst.Comma):
                index.end_lineno, index.end_col_offset = self.end(elems[-1].comma)
        return ast.Subscript(value=self.expr(n.value), slice=index, ctx=ctx)

    def slice(self, s) -> ast.expr:
        if isinstance(s, cst.Index):
            if s.star is not None:
                return self.place(ast.Starred(value=self.expr(s.value), ctx=_LOAD), s, self.outer(s.value)[1])
            return self.expr(s.value)
        out = ast.Slice(
            lower=self.expr(s.lower) if s.lower is not None else None,
            upper=self.expr(s.upper) if s.upper is not None else None,
            step=self.expr(s.step) if s.step is not None else None,
        )
        return self.place(out, s)

    def e_Call(self, n: cst.Call, ctx) -> ast.expr:
        args, keywords = self.call_args(n.args)
        out = ast.Call(func=self.expr(n.func), args=args, keywords=keywords)
        self.place(out, n)
        if len(n.args) == 1 and isinstance(n.args[0].value, cst.GeneratorExp) and not n.args[0].value.lpar and n.args[0].keyword is None and not n.args[0].star:
            # ``f(x for x in y)``: the call's parentheses are the generator's.
            g = args[0]
            g.lineno, g.col_offset = self.after(self.char_end(n.func) if not n.func.rpar else self.char_end(n.func.rpar[-1]), "(")
            g.end_lineno, g.end_col_offset = out.end_lineno, out.end_col_offset
        return out

    def e_BinaryOperation(self, n: cst.BinaryOperation, ctx) -> ast.expr:
        return ast.BinOp(left=self.expr(n.left), op=_BINOPS[type(n.operator)](), right=self.expr(n.right))

    def e_BooleanOperation(self, n: cst.BooleanOperation, ctx) -> ast.expr:
        op = ast.And if isinstance(n.operator, cst.And) else ast.Or
        operands = []
        cur = n
        # ``a and b and c`` is one BoolOp; a parenthesized operand stays its own.
        while True:
            operands.append(cur.right)
            left = cur.left
            if isinstance(left, cst.BooleanOperation) and type(left.operator) is type(n.operator) and not left.lpar:
                cur = left
                continue
            operands.append(left)
            break
        return ast.BoolOp(op=op(), values=[self.expr(o) for o in reversed(operands)])

    def e_UnaryOperation(self, n: cst.UnaryOperation, ctx) -> ast.expr:
        return ast.UnaryOp(op=_UNARY[type(n.operator)](), operand=self.expr(n.expression))

    def e_Comparison(self, n: cst.Comparison, ctx) -> ast.expr:
        return ast.Compare(
            left=self.expr(n.left), ops=[_CMPOPS[type(c.operator)]() for c in n.comparisons],
            comparators=[self.expr(c.comparator) for c in n.comparisons],
        )

    def e_IfExp(self, n: cst.IfExp, ctx) -> ast.expr:
        return ast.IfExp(test=self.expr(n.test), body=self.expr(n.body), orelse=self.expr(n.orelse))

    def e_Lambda(self, n: cst.Lambda, ctx) -> ast.expr:
        return ast.Lambda(args=self.arguments(n.params), body=self.expr(n.body))

    def e_Await(self, n: cst.Await, ctx) -> ast.expr:
        return ast.Await(value=self.expr(n.expression))

    def e_Yield(self, n: cst.Yield, ctx) -> ast.expr:
        if isinstance(n.value, cst.From):
            return ast.YieldFrom(value=self.expr(n.value.item))
        return ast.Yield(value=self.expr(n.value) if n.value is not None else None)

    def e_NamedExpr(self, n: cst.NamedExpr, ctx) -> ast.expr:
        return ast.NamedExpr(target=self.expr(n.target, _STORE), value=self.expr(n.value))

    def elements(self, elems, ctx) -> list[ast.expr]:
        out = []
        for e in elems:
            if isinstance(e, cst.StarredElement):
                out.append(self.place(ast.Starred(value=self.expr(e.value, ctx), ctx=ctx), e, self.outer(e.value)[1]))
            else:
                out.append(self.expr(e.value, ctx))
        return out

    def e_Tuple(self, n: cst.Tuple, ctx) -> ast.expr:
        out = ast.Tuple(elts=self.elements(n.elements, ctx), ctx=ctx)
        first, last = self.paren_span(n)
        if first is n and n.elements:
            # A bare tuple runs from its first element to its last (its trailing comma too).
            tail = n.elements[-1]
            end = self.end(tail.comma) if isinstance(tail.comma, cst.Comma) else self.end(self.outer(tail)[1] if isinstance(tail, cst.StarredElement) else self.outer(tail.value)[1])
            return self.place_at(out, self.start(self.outer(n.elements[0])[0] if isinstance(n.elements[0], cst.StarredElement) else self.outer(n.elements[0].value)[0]), end)
        return self.place(out, first, last)

    def e_List(self, n: cst.List, ctx) -> ast.expr:
        return ast.List(elts=self.elements(n.elements, ctx), ctx=ctx)

    def e_Set(self, n: cst.Set, ctx) -> ast.expr:
        return ast.Set(elts=self.elements(n.elements, _LOAD))

    def e_Dict(self, n: cst.Dict, ctx) -> ast.expr:
        keys: list = []
        values: list = []
        for e in n.elements:
            if isinstance(e, cst.StarredDictElement):
                keys.append(None)
            else:
                keys.append(self.expr(e.key))
            values.append(self.expr(e.value))
        return ast.Dict(keys=keys, values=values)

    def generators(self, f: cst.CompFor) -> list[ast.comprehension]:
        out = []
        while f is not None:
            out.append(
                ast.comprehension(
                    target=self.expr(f.target, _STORE), iter=self.expr(f.iter),
                    ifs=[self.expr(i.test) for i in f.ifs], is_async=int(f.asynchronous is not None),
                )
            )
            f = f.inner_for_in
        return out

    def comp_elt(self, e) -> ast.expr:
        if isinstance(e, cst.StarredElement):  # PEP 798 ``[*x for x in xs]``
            return self.place(ast.Starred(value=self.expr(e.value), ctx=_LOAD), e)
        return self.expr(e)

    def e_ListComp(self, n, ctx) -> ast.expr:
        return ast.ListComp(elt=self.comp_elt(n.elt), generators=self.generators(n.for_in))

    def e_SetComp(self, n, ctx) -> ast.expr:
        return ast.SetComp(elt=self.comp_elt(n.elt), generators=self.generators(n.for_in))

    def e_GeneratorExp(self, n, ctx) -> ast.expr:
        out = ast.GeneratorExp(elt=self.comp_elt(n.elt), generators=self.generators(n.for_in))
        return self.place(out, *self.paren_span(n))

    def e_DictComp(self, n, ctx) -> ast.expr:
        return ast.DictComp(key=self.expr(n.key), value=self.expr(n.value), generators=self.generators(n.for_in))

    def e_StarredDictComp(self, n, ctx) -> ast.expr:
        # PEP 798 ``{**d for d in ds}``: nothing older holds it; its mapping stands as the key.
        elt = getattr(n, "elt", None) or getattr(n, "value")
        return ast.DictComp(key=self.expr(elt), value=self.place(ast.Constant(value=None, kind=None), elt), generators=self.generators(n.for_in))

    # ------------------------------------------------------------------ patterns
    def pattern(self, p) -> ast.pattern:
        m = getattr(self, "p_" + type(p).__name__, None)
        if m is None:
            raise ConversionError(f"unknown pattern {type(p).__name__}")
        out = m(p)
        if getattr(out, "lineno", None) is None:
            self.place(out, p)
        return out

    def p_MatchValue(self, p) -> ast.pattern:
        return ast.MatchValue(value=self.expr(p.value))

    def p_MatchSingleton(self, p) -> ast.pattern:
        return ast.MatchSingleton(value={"None": None, "True": True, "False": False}[p.value.value])

    def seq_patterns(self, elems) -> list[ast.pattern]:
        out = []
        for e in elems:
            if isinstance(e, cst.MatchStar):
                out.append(self.place(ast.MatchStar(name=_ident(e.name.value) if e.name is not None else None), e))
            else:
                out.append(self.pattern(e.value))
        return out

    def p_MatchList(self, p) -> ast.pattern:
        return self.place(ast.MatchSequence(patterns=self.seq_patterns(p.patterns)), *self.outer_brackets(p))

    def outer_brackets(self, p) -> tuple:
        lb = getattr(p, "lbracket", None)
        if lb is not None:
            return lb, p.rbracket
        return p, p

    def p_MatchTuple(self, p) -> ast.pattern:
        out = ast.MatchSequence(patterns=self.seq_patterns(p.patterns))
        first, last = self.paren_span(p)
        if first is p and p.patterns:
            tail = p.patterns[-1]
            end = self.end(tail.comma) if isinstance(getattr(tail, "comma", None), cst.Comma) else self.end(tail if isinstance(tail, cst.MatchStar) else self.outer(tail.value)[1])
            head = p.patterns[0]
            return self.place_at(out, self.start(head if isinstance(head, cst.MatchStar) else self.outer(head.value)[0]), end)
        return self.place(out, first, last)

    def p_MatchMapping(self, p) -> ast.pattern:
        out = ast.MatchMapping(
            keys=[self.expr(e.key) for e in p.elements], patterns=[self.pattern(e.pattern) for e in p.elements],
            rest=_ident(p.rest.value) if p.rest is not None else None,
        )
        return self.place(out, p.lbrace, p.rbrace)

    def p_MatchClass(self, p) -> ast.pattern:
        return ast.MatchClass(
            cls=self.expr(p.cls), patterns=[self.pattern(e.value) for e in p.patterns],
            kwd_attrs=[_ident(k.key.value) for k in p.kwds], kwd_patterns=[self.pattern(k.pattern) for k in p.kwds],
        )

    def p_MatchAs(self, p) -> ast.pattern:
        return ast.MatchAs(pattern=self.pattern(p.pattern) if p.pattern is not None else None, name=_ident(p.name.value) if p.name is not None else None)

    def p_MatchOr(self, p) -> ast.pattern:
        return ast.MatchOr(patterns=[self.pattern(e.pattern) for e in p.patterns])


def _positions(module: cst.Module) -> dict[int, tuple[tuple[int, int], tuple[int, int]]]:
    """``id(node)`` -> ((line, column), (end line, end column)) for every node, as libcst's
    ``PositionProvider`` has them (characters, 0-based columns), from one code generation pass:
    the metadata wrapper adds a visit of the whole tree and an object per position on top, which
    cost twice as much as the positions themselves."""
    computed: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}
    state = _PositionState(default_indent=module.default_indent, default_newline=module.default_newline, provider=None)
    state.computed = computed
    module._codegen(state)
    return computed


try:
    from libcst.metadata.position_provider import PositionProvidingCodegenState as _Base
except ImportError:  # pragma: no cover - a libcst whose internals moved
    _Base = None  # type: ignore[assignment,misc]


if _Base is not None:

    class _PositionState(_Base):  # type: ignore[misc,valid-type]
        # Same positions as the base class, kept as plain tuples keyed by id (nodes hash by
        # id anyway; the tree outlives the table).
        computed: dict

        def _update_position(self, value: str) -> None:
            if "\n" in value or "\r" in value:
                segments = _NEWLINE.split(value)
                self.line += len(segments) - 1
                self.column = len(segments[-1])
            else:
                self.column += len(value)

        def before_codegen(self, node) -> None:
            self._stack.append((self.line, self.column))

        def after_codegen(self, node) -> None:
            start = self._stack.pop()
            key = id(node)
            if key not in self.computed:
                self.computed[key] = (start, (self.line, self.column))

        @contextmanager
        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            start = (self.line, self.column)
            try:
                yield
            finally:
                end = (self.line, self.column)
                if start_node is not None:
                    start = self.computed[id(start_node)][0]
                if end_node is not None:
                    end = self.computed[id(end_node)][1]
                self.computed[id(node)] = (start, end)

else:  # pragma: no cover

    def _positions(module: cst.Module):  # type: ignore[no-redef]
        ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return {id(n): ((r.start.line, r.start.column), (r.end.line, r.end.column)) for n, r in ranges.items()}


_NEWLINE = re.compile(r"\r\n?|\n")


def _ident(name: str) -> str:
    # The interpreter's parser NFKC-normalizes identifiers ('globalª' is 'globala').
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _tuple(t) -> tuple:
    return t if isinstance(t, tuple) else (t,)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _split(text: str) -> list[str]:
    return [s.rstrip("\r\n") for s in _LINE.findall(text)]
