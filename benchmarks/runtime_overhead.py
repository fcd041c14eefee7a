"""Overhead of asynclint's runtime mode on an asyncio-heavy workload.

    python benchmarks/runtime_overhead.py [--repeat 5]

The workload (100k ``await asyncio.sleep(0)``, 20k tasks, 5k echo round trips on loopback)
runs in a fresh interpreter per measurement, in three ways:

- ``plain``: ``asyncio.run(main())``;
- ``debug``: ``asyncio.run(main(), debug=True)`` (asyncio's debug mode);
- ``asynclint``: ``asyncio.run(main())`` in a process started the way ``asynclint run``
  starts it (the ``.pth`` bootstrap installs every hook: steps timed and watched, origin
  tracking, blocking wrappers, cross-thread checks).

Each child times the workload itself (``time.process_time``, CPU of the process, and
``time.perf_counter``, wall), so interpreter start-up and the report are not counted. The
runs are interleaved and the median is reported; the output is markdown for docs/runtime.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

WORKLOAD = r'''
import asyncio, json, sys, time

async def sleeper(n):
    for _ in range(n):
        await asyncio.sleep(0)

async def tiny(i):
    await asyncio.sleep(0)
    return i

async def handle(reader, writer):
    while data := await reader.read(100):
        writer.write(data)
        await writer.drain()
    writer.close()
    await writer.wait_closed()

async def main():
    await sleeper(100_000)
    for start in range(0, 20_000, 1_000):
        await asyncio.gather(*[asyncio.create_task(tiny(i)) for i in range(start, start + 1_000)])
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(5_000):
        writer.write(b"ping")
        await writer.drain()
        await reader.readexactly(4)
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(0.01)  # the server's handler sees EOF and closes its side
    server.close()
    await server.wait_closed()

debug = sys.argv[1] == "debug"
c0, w0 = time.process_time(), time.perf_counter()
asyncio.run(main(), debug=debug)
print(json.dumps({"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0}))
'''


def measure(mode: str, script: str, outdir: str) -> dict:
    env = dict(os.environ)
    env.pop("ASYNCLINT_RUNTIME_DIR", None)
    if mode == "asynclint":
        from asynclint.runtime import env as names

        env[names.DIR] = outdir
        env[names.OPTIONS] = json.dumps({"roots": [os.path.dirname(script)]})
    proc = subprocess.run([sys.executable, script, mode], env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    modes = ("plain", "debug", "asynclint")
    results: dict[str, list[dict]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "workload.py")
        with open(script, "w") as f:
            f.write(WORKLOAD)
        for _ in range(args.repeat):
            for m in modes:
                results[m].append(measure(m, script, tmp))
        findings = 0
        for name in os.listdir(tmp):
            if name.endswith(".json") and name != "workload.py":
                with open(os.path.join(tmp, name)) as f:
                    findings += len(json.load(f)["events"])
    med = {m: {k: statistics.median(r[k] for r in results[m]) for k in ("cpu", "wall")} for m in modes}
    base = med["plain"]["cpu"]
    print(f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, {os.cpu_count()} cores; "
          f"median of {args.repeat} interleaved runs; workload: 100k `await asyncio.sleep(0)`, 20k tasks, 5k echo round trips.\n")
    print("| run | CPU s | wall s | CPU vs plain |")
    print("|---|---:|---:|---:|")
    labels = {"plain": "`asyncio.run(main())`", "debug": "`asyncio.run(main(), debug=True)`", "asynclint": "`asynclint run` (all hooks)"}
    for m in modes:
        print(f"| {labels[m]} | {med[m]['cpu']:.2f} | {med[m]['wall']:.2f} | {med[m]['cpu'] / base:.2f}x |")
    ratio = med["debug"]["cpu"] / med["asynclint"]["cpu"]
    print(f"\nasynclint's hooks cost {med['asynclint']['cpu'] / base:.2f}x the plain run; asyncio's debug mode costs "
          f"{ratio:.1f}x as much as the hooks. Findings recorded on the workload: {findings}.")


if __name__ == "__main__":
    main()
