"""``asynclint run [options] -- COMMAND...``: run a program with the hooks in every Python
process it starts, then merge what they recorded and report it.

The program's stdin, stdout, stderr and exit status are its own; the report goes to stderr
(or ``--output-file``) after it has finished.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

from asynclint.runtime import env

PYTHONS = ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}")


def resolve_command(command: list[str]) -> list[str]:
    """A bare ``python`` means the interpreter asynclint is installed in (whose site-packages
    holds the bootstrap); other programs are looked up next to it first (``pytest``)."""
    head = command[0]
    if os.sep in head:
        return command
    if head in PYTHONS:
        return [sys.executable, *command[1:]]
    bindir = os.path.dirname(sys.executable)
    found = shutil.which(head, path=os.pathsep.join([bindir, os.environ.get("PATH", "")]))
    return [found or head, *command[1:]]


def roots_for(command: list[str], cwd: str) -> list[str]:
    from asynclint.files import find_project_root

    root = find_project_root([cwd])
    roots = [str(root) if root else cwd]
    # `python path/to/app.py` outside the project: the script's directory is first-party too.
    args = command[1:] if os.path.basename(command[0]).startswith("python") else []
    for a in args:
        if a.startswith("-"):
            if a in ("-m", "-c"):
                break
            continue
        if a.endswith(".py") and os.path.isfile(a):
            roots.append(os.path.dirname(os.path.abspath(a)))
        break
    return roots


def run_command(command: list[str], *, output_format: str, output_file: str | None, slow_threshold_ms: float, include_libraries: bool, strict: bool, fail_on_findings: bool, no_noqa: bool, config_path: str | None = None) -> int:
    from asynclint.config import ConfigError, load_config
    from asynclint.output import render
    from asynclint.runtime.report import read_events, to_findings

    if not command:
        print("asynclint: error: nothing to run; usage: asynclint run [OPTIONS] -- python app.py", file=sys.stderr)
        return 2
    # Read before the program starts: a broken configuration should not cost a whole run.
    try:
        config = load_config(config_path)
    except ConfigError as e:
        print(f"asynclint: error: {e}", file=sys.stderr)
        return 2
    no_noqa = no_noqa or not config.noqa
    cwd = os.getcwd()
    command = resolve_command(list(command))
    roots = roots_for(command, cwd)
    with tempfile.TemporaryDirectory(prefix="asynclint-run-") as directory:
        child_env = dict(os.environ)
        child_env[env.DIR] = directory
        child_env[env.OPTIONS] = json.dumps(
            {"slow_threshold": slow_threshold_ms / 1000.0, "include_libraries": include_libraries, "strict": strict, "roots": roots}
        )
        try:
            proc = subprocess.Popen(command, env=child_env)
        except OSError as e:
            print(f"asynclint: error: cannot run {command[0]}: {e.strerror or e}", file=sys.stderr)
            return 127 if isinstance(e, FileNotFoundError) else 126
        while True:
            try:
                status = proc.wait()
                break
            except KeyboardInterrupt:
                continue  # the child got the same SIGINT; let it decide, then report
        seen_processes = any(name.endswith(".json") for name in os.listdir(directory))
        events = read_events(directory)
    findings = to_findings(events, cwd=cwd, root=roots[0], noqa=not no_noqa, config=config)
    if not seen_processes:
        print(
            "asynclint: warning: no Python process ran with the runtime hooks; is asynclint installed "
            f"in the interpreter that ran `{command[0]}`?",
            file=sys.stderr,
        )
    text = render(output_format, findings, quiet=True)
    if output_format == "text":
        n = len(findings)
        text += f"asynclint run: {n} runtime finding{'s' if n != 1 else ''}.\n"
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            print(f"asynclint: error: {output_file}: cannot write: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        sys.stderr.write(text)
        sys.stderr.flush()
    if status < 0:  # killed by a signal: exit the way a shell reports it
        return 128 - status
    if status != 0:
        return status
    return 1 if (fail_on_findings and findings) else 0
