from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._blocking import BlockingCallRule


class BlockingSubprocess(BlockingCallRule):
    code = "ASL103"
    name = "blocking-subprocess"
    summary = "Running or waiting for a child process synchronously in async context"
    kind = "a blocking subprocess call"
    related = ("ASL110",)
    doc = """
    ## What it does
    Flags, in async context, the `subprocess` calls that wait for the child to finish
    (`run`, `call`, `check_call`, `check_output`, `getoutput`, `getstatusoutput`), `.wait()`
    and `.communicate()` on a `subprocess.Popen` object, and the `os` process calls
    `os.system`, `os.popen`, `os.spawn*`, `os.posix_spawn*` and `os.wait*`. Creating a `Popen`
    does not wait and is not flagged; waiting for it is.

    ## Why is this bad?
    These calls sleep in the event loop's thread until the child process exits: a build step
    or a slow command freezes every other task for its whole run time.

    ## Instead
    `proc = await asyncio.create_subprocess_exec(...)` (or `create_subprocess_shell`), then
    `await proc.communicate()` or `await proc.wait()`. Code that must keep the sync API can
    run it in a thread: `await asyncio.to_thread(subprocess.run, cmd)`.
    """
    bad = (
        Example(
            """
            import subprocess

            async def build():
                subprocess.run(["make", "all"], check=True)  # expect: ASL103
            """
        ),
        Example(
            """
            import os
            import subprocess as sp
            from subprocess import check_output as out

            async def main():
                sp.call(["ls"])  # expect: ASL103
                version = out(["git", "describe"])  # expect: ASL103
                os.system("sync")  # expect: ASL103
                os.popen("uptime").read()  # expect: ASL103
                os.spawnlp(os.P_WAIT, "true", "true")  # expect: ASL103
                os.waitpid(-1, 0)  # expect: ASL103
            """,
            title="aliases and os calls",
        ),
        Example(
            """
            from subprocess import PIPE, Popen

            async def typed(cmd):
                p = Popen(cmd, stdout=PIPE)
                out, _ = p.communicate()  # expect: ASL103
                with Popen(cmd) as q:
                    q.wait()  # expect: ASL103

            async def annotated(p: Popen):
                return p.wait()  # expect: ASL103
            """,
            title="Popen objects",
        ),
        Example(
            """
            import subprocess

            class Worker:
                def __init__(self, cmd):
                    self.proc: subprocess.Popen = subprocess.Popen(cmd)

                async def stop(self):
                    self.proc.terminate()
                    self.proc.wait()  # expect: ASL103
            """,
            title="self attributes",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import subprocess

            async def build():
                proc = await asyncio.create_subprocess_exec("make", "all")
                await proc.wait()
                await asyncio.to_thread(subprocess.run, ["make", "docs"])
                await asyncio.to_thread(lambda: subprocess.check_output(["ls"]))
                child = subprocess.Popen(["sleep", "1"])  # starting it does not wait
                child.poll()

            def sync_build():
                subprocess.run(["make"])

            async def outer():
                def inner():
                    return subprocess.run(["make"])
                return await asyncio.to_thread(inner)
            """
        ),
        Example(
            """
            async def main(proc, system):
                proc.wait()  # unknown object
                proc.communicate()
                system("ls")  # a parameter, not os.system
            """,
            title="method names alone and shadowed names",
        ),
    )
