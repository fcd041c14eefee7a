from __future__ import annotations

import json
from typing import Sequence

from asynclint.finding import Finding


def render_json(findings: Sequence[Finding], **_: object) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
