from __future__ import annotations

import json
from typing import Sequence

from asynclint.finding import Finding


def _text(value: object) -> object:
    """Strings made printable as UTF-8: a file name that is not valid UTF-8 reaches us with
    its bytes as lone surrogates (``os.fsdecode``), which no UTF-8 JSON document may hold;
    those bytes are written as ``\\xNN`` text, the rest of the name as it is."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return value
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def render_json(findings: Sequence[Finding], **_: object) -> str:
    return json.dumps([_text(f.to_dict()) for f in findings], indent=2, ensure_ascii=False) + "\n"
