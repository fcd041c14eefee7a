"""Per-file semantics, computed once and shared by every rule.

``SemanticModel`` is the one object rules see (``ctx.sem``). It is made of four parts, each in
its own module and each small enough to read in one sitting:

- ``scopes`` (:mod:`asynclint.semantics.scopes`): the one walk over the tree, bindings,
  scopes, qualified names, enclosing definitions, async context. The model *is* its scopes
  (it inherits them): they are what every other part is built on.
- ``types`` (:mod:`asynclint.semantics.types`): the class a value has, declared or shown.
- ``versions`` (:mod:`asynclint.semantics.versions`): code that runs only on older Pythons.
- ``positions`` (:mod:`asynclint.semantics.positions`): character columns and source text.

Everything beyond the walk is answered lazily, so a rule pays only for the questions it asks
about the nodes it cares about. What another module defines is not the model's to say: rules
ask the facts service (``ctx.ask``, :mod:`asynclint.facts`).
"""

from __future__ import annotations

import ast

from asynclint.semantics.positions import Positions
from asynclint.semantics.scopes import THREAD_HANDOFF_NAMES, Binding, ClassInfo, Scope, Scopes
from asynclint.semantics.types import Types
from asynclint.semantics.versions import VersionGuards

__all__ = ["THREAD_HANDOFF_NAMES", "Binding", "ClassInfo", "Scope", "SemanticModel"]


class SemanticModel(Scopes):
    def __init__(self, tree: ast.Module, lines: list[str], module: str = "", is_package: bool = False):
        super().__init__(tree, module, is_package)
        self.lines = lines
        self.types = Types(self)
        self.versions = VersionGuards(self)
        self.positions = Positions(lines)
        # The parts' answers most rules ask for, bound once (no forwarding call per question).
        types, positions = self.types, self.positions
        self.call_name = types.call_name
        self.callee_name = types.callee_name
        self.type_of = types.type_of
        self.annotation_type = types.annotation_type
        self.inherits_from = types.inherits_from
        self.assumed_classes = types.assumed_classes
        self.runs_only_before = self.versions.runs_only_before
        self.version_lower_bound = self.versions.version_lower_bound
        self.column = positions.column
        self.end_column = positions.end_column
        self.char_col = positions.char_col
        self.source_segment = positions.source_segment
        self.mentions = positions.mentions

    def release(self) -> None:
        """Free the model's cycles once the file is linted (``Scopes.release``)."""
        for part in (self.types, self.versions, self.positions):
            part.__dict__.clear()
        super().release()
