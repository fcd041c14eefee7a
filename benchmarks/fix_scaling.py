"""How ``asynclint --fix`` scales with the number of fixable findings in one file.

Generates modules of the given sizes (default 1 MB and 5 MB), each a run of module-level
bindings and coroutines that call ``time.sleep`` (one safe ASL101 fix each), then times
``asynclint --fix --no-cache`` on a copy of each in a fresh process and reports wall time, CPU
time (user + system: on a shared, loaded machine wall time says more about the neighbours),
peak RSS and findings fixed. Issue 19 item 7: a per-finding scan of the module's bindings
made this quadratic (1 MB 10 s, 5 MB 454 s at 1 GB); the target is 5 MB under 30 s.

    python benchmarks/fix_scaling.py            # 1 MB and 5 MB
    python benchmarks/fix_scaling.py 0.5 2 5    # sizes in MB
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def module_of_size(megabytes: float) -> str:
    parts = ["import time\n\n"]
    size = len(parts[0])
    i = 0
    while size < megabytes * 1_000_000:
        block = f"value_{i} = {i}\n\n\nasync def work_{i}(n):\n    time.sleep(n)\n    return value_{i}\n\n\n"
        parts.append(block)
        size += len(block)
        i += 1
    return "".join(parts)


def measure(megabytes: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="asynclint-fix-scaling-") as d:
        path = Path(d) / "big.py"
        text = module_of_size(megabytes)
        path.write_text(text)
        findings = text.count("time.sleep(")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "asynclint", "--fix", "--no-cache", "--select", "ASL101", "-q", str(path)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
        fixed = path.read_text().count("await asyncio.sleep(")
        return {
            "mb": megabytes,
            "bytes": len(text.encode()),
            "findings": findings,
            "fixed": fixed,
            "seconds": round(elapsed, 1),
            "cpu_seconds": round(cpu, 1),  # what a loaded machine's wall time hides
            "peak_rss_mb": round(max(peak, before) / 1024),
            "exit": proc.returncode,
            "stderr": proc.stderr.strip()[-300:],
        }


def main(argv: list[str]) -> None:
    sizes = [float(a) for a in argv] or [1.0, 5.0]
    for mb in sizes:
        r = measure(mb)
        print(f"{r['mb']:>5} MB  {r['bytes']:>9} bytes  {r['findings']:>6} findings  {r['fixed']:>6} fixed  {r['seconds']:>7} s wall  {r['cpu_seconds']:>7} s CPU  peak RSS {r['peak_rss_mb']} MB  exit {r['exit']}  {r['stderr']}")


if __name__ == "__main__":
    main(sys.argv[1:])
