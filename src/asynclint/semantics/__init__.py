"""Semantics computed once per file and shared by all rules (scopes, names, receiver types)."""

from asynclint.semantics.model import Binding, ClassInfo, Scope, SemanticModel

__all__ = ["Binding", "ClassInfo", "Scope", "SemanticModel"]
