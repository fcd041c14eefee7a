"""Names of the codes the runtime reports, for findings whose rule module is not loaded.

The 5xx codes exist only at run time; the others keep the static rule's code and name.
"""

from __future__ import annotations

NAMES = {
    "ASL101": "blocking-sleep",
    "ASL102": "blocking-http-call",
    "ASL103": "blocking-subprocess",
    "ASL104": "blocking-file-io",
    "ASL105": "blocking-database-call",
    "ASL106": "blocking-socket-call",
    "ASL107": "blocking-wait-primitive",
    "ASL108": "blocking-input",
    "ASL109": "blocking-call-configured",
    "ASL201": "coroutine-not-awaited",
    "ASL203": "task-not-stored",
    "ASL501": "slow-callback",
    "ASL502": "task-exception-never-retrieved",
    "ASL503": "task-destroyed-pending",
    "ASL504": "unclosed-resource",
    "ASL505": "loop-called-from-other-thread",
}


def name_of(code: str) -> str:
    return NAMES.get(code, code.lower())
