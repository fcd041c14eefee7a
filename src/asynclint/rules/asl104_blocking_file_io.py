from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._blocking import BlockingCallRule


class BlockingFileIo(BlockingCallRule):
    code = "ASL104"
    name = "blocking-file-io"
    summary = "File-system I/O (`open`, `pathlib.Path` I/O, `os`, `shutil`, `glob`) in async context"
    kind = "blocking file I/O"
    related = ("ASL110",)
    doc = """
    ## What it does
    Flags file-system calls in async context: builtin `open` (also as `io.open` and
    `builtins.open`), `io.open_code`, `os.fdopen`, reads and writes on the file objects they
    return, the `pathlib.Path` methods that touch the disk (`read_text`, `write_bytes`,
    `open`, `exists`, `iterdir`, `mkdir`, `unlink`, `stat`, ...), `os` file-system calls
    (`os.listdir`, `os.stat`, `os.remove`, `os.makedirs`, `os.walk`, `os.path.exists`,
    `os.path.getsize`, ...), `shutil` copies, moves and `rmtree`, and `glob.glob`.
    Pure path arithmetic never is: `os.path.join`, `os.path.basename`, `Path.name`,
    `Path.suffix`, `Path(...) / "x"`, `with_suffix()`. Reads and writes on a file object that
    an `open()` reported in the same function made (`with open(p) as f: f.read()`) are the
    same pitfall and are not reported again.

    ## Why is this bad?
    Disk access blocks the thread that asks for it. On a network file system, a busy disk or a
    large file, that is the event loop's thread stalling for milliseconds to seconds.

    ## Instead
    Use `aiofiles.open(...)` or `anyio.Path`, or run the whole file operation in a thread:
    `await asyncio.to_thread(path.read_text)`.
    """
    bad = (
        Example(
            """
            async def load(path):
                with open(path) as f:  # expect: ASL104
                    return f.read()  # the same pitfall as the open(): reported once, there
            """
        ),
        Example(
            """
            import builtins
            import glob
            import io
            import os
            import os.path as osp
            import shutil
            from os import listdir as ls

            async def main(path, dest):
                io.open(path, "rb")  # expect: ASL104
                builtins.open(path)  # expect: ASL104
                ls(path)  # expect: ASL104
                os.makedirs(dest, exist_ok=True)  # expect: ASL104
                if osp.exists(path):  # expect: ASL104
                    shutil.copy(path, dest)  # expect: ASL104
                glob.glob("*.py")  # expect: ASL104
            """,
            title="aliases",
        ),
        Example(
            """
            from pathlib import Path

            async def typed(name: str, base: Path):
                Path(name).read_text()  # expect: ASL104
                p = Path(name)
                p.write_bytes(b"")  # expect: ASL104
                (p / "sub").mkdir()  # expect: ASL104
                base.exists()  # expect: ASL104
                for child in base.iterdir():  # expect: ASL104
                    print(child.name)
                src, dst = Path("a"), Path("b")
                dst.write_text(src.read_text())  # expect: ASL104
            """,
            title="pathlib receivers",
        ),
        Example(
            """
            import io
            from pathlib import Path

            class Log:
                root: Path

                def __init__(self, stream: io.TextIOWrapper):
                    self.stream = stream

                async def write(self, line):
                    self.stream.write(line)  # expect: ASL104
                    self.root.joinpath("last").write_text(line)  # expect: ASL104
            """,
            title="self attributes and file objects",
        ),
        Example(
            """
            import tempfile

            from app.const import CONFIG, SOCK

            async def status():
                if SOCK.exists():  # expect: ASL104
                    return CONFIG.read_text()  # expect: ASL104
                spool = tempfile.TemporaryFile()
                spool.write(b"state")  # expect: ASL104
            """,
            title="module constants of another project module; standard-library classes constructed directly",
            files={
                "app/__init__.py": "",
                "app/const.py": """
                from pathlib import Path

                SOCK = Path("/run/app.sock")
                CONFIG = Path("/etc/app.toml")
                """,
            },
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import os
            from pathlib import Path

            import aiofiles

            async def load(name):
                async with aiofiles.open(name) as f:
                    data = await f.read()
                text = await asyncio.to_thread(Path(name).read_text)
                await asyncio.to_thread(lambda: open(name).read())
                full = os.path.join("/srv", os.path.basename(name))
                p = Path(full) / "x"
                return p.name, p.suffix, p.with_suffix(".txt"), data, text

            def sync_load(name):
                with open(name) as f:
                    return f.read()

            async def outer(name):
                def inner():
                    return Path(name).read_bytes()
                return await asyncio.to_thread(inner)
            """
        ),
        Example(
            """
            import io

            async def main(open, f, name):
                open(name)  # a parameter, not builtins.open
                f.read()  # nothing says what f is
                buf = io.StringIO()
                buf.write("in memory")
            """,
            title="method names alone and shadowed names",
        ),
        Example(
            """
            import asyncio

            from app.const import NAME, SOCK, paths

            async def status():
                exists = await asyncio.to_thread(SOCK.exists)
                return exists, NAME.upper(), paths.exists()
            """,
            title="module constants that are no paths",
            files={
                "app/__init__.py": "",
                "app/const.py": """
                from pathlib import Path

                SOCK = Path("/run/app.sock")
                NAME = "app"

                class Paths:
                    def exists(self):
                        return True

                paths = Paths()
                """,
            },
        ),
    )
