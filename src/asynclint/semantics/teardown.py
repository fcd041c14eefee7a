"""Functions that stop, close or tear something down, known by their names.

In such a function, dropping errors or a cancellation is usually the point (one failing close
step must not stop the others; finish closing whatever happens): ASL303 stays silent there
and ASL301 leaves the swallowed cancellation to the opt-in ASL906.
"""

from __future__ import annotations

import ast

TEARDOWN_WORDS = (
    "close", "stop", "shutdown", "cleanup", "clean_up", "teardown", "tear_down", "disconnect",
    "unload", "dispose", "terminate", "cancel", "__aexit__",
)


def is_teardown_function(func: ast.AST | None) -> bool:
    """A function whose name says it closes, stops or tears something down."""
    name = getattr(func, "name", "").lower()
    return any(w in name for w in TEARDOWN_WORDS)
