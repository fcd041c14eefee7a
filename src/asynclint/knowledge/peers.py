"""The checks of peer linters that are the same check as one of ours.

A ``# noqa: ASYNC230`` that a project wrote for flake8-async or ruff says its maintainers
looked at that line and chose to keep the ``open()``: asynclint's ASL104 on the same line is the
same finding, so the comment silences it too (see ``asynclint.suppression``). Only codes whose
meaning is ours exactly are listed: a peer code for a neighbouring check (ASYNC100's cancel
scope without a checkpoint) silences nothing of ours.
"""

from __future__ import annotations

# flake8-async and ruff's flake8-async port share these codes.
EQUIVALENT: dict[str, str] = {
    "ASYNC110": "ASL902",  # busy wait: ``while ...: await sleep()``
    "ASYNC210": "ASL102",  # blocking HTTP call
    "ASYNC211": "ASL102",
    "ASYNC212": "ASL102",
    "ASYNC220": "ASL103",  # subprocess
    "ASYNC221": "ASL103",
    "ASYNC222": "ASL103",
    "ASYNC230": "ASL104",  # file I/O
    "ASYNC231": "ASL104",
    "ASYNC232": "ASL104",
    "ASYNC240": "ASL104",  # os.path / pathlib
    "ASYNC250": "ASL108",  # input()
    "ASYNC251": "ASL101",  # time.sleep()
    "ASYNC300": "ASL203",  # create_task() result not kept
}
