"""Live knowledge: the linted project's own environment, summarised from its installed files.

Where the environment is, as pyright finds it: ``--python PATH`` or ``python = ...`` in the
configuration (an interpreter or a virtual environment's folder), else a ``.venv`` or ``venv``
folder in the project root, else the active virtual environment (``$VIRTUAL_ENV``) unless it is
the one asynclint itself runs in (a pre-commit hook's isolated environment, a tool venv: those
hold asynclint, not the project's libraries, and the generated knowledge answers there).

A library is summarised the first time a name rooted in it is asked about, by the same
summariser that writes the shipped knowledge, and the summary is cached by distribution name
and version in the cache directory. Nothing of the library is imported or executed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from asynclint.knowledge import libraries
from asynclint.knowledge.summarise import SUMMARY_FORMAT, installed_distributions, summarise_installed


class Environment:
    """The site-packages folders of one Python environment and the libraries installed there."""

    def __init__(self, sites: list[Path], cache_dir: Path | None):
        self.sites = sites
        self.cache_dir = cache_dir
        self._dists: dict[str, tuple[str, str, Path]] | None = None
        self._summaries: dict[str, dict | None] = {}

    @property
    def distributions(self) -> dict[str, tuple[str, str, Path]]:
        """Top-level module -> (distribution, version, site-packages folder)."""
        if self._dists is None:
            found: dict[str, tuple[str, str, Path]] = {}
            for site in self.sites:
                for top, (dist, version) in installed_distributions(site).items():
                    found.setdefault(top, (dist, version, site))
            self._dists = found
        return self._dists

    def fingerprint(self) -> str:
        """Changes when a library is installed, removed or upgraded (the cache's results and
        pass 2's memo depend on what the libraries say)."""
        items = sorted((top, d, v) for top, (d, v, _) in self.distributions.items())
        return hashlib.blake2b(repr((SUMMARY_FORMAT, items)).encode(), digest_size=8).hexdigest()

    def has_root(self, top: str) -> bool:
        return top in self.distributions

    def summary(self, top: str) -> dict | None:
        if top in self._summaries:
            return self._summaries[top]
        found = self.distributions.get(top)
        result = None
        if found is not None:
            dist, version, site = found
            result = self._cached(top, dist, version, site)
        self._summaries[top] = result
        return result

    def _cached(self, top: str, dist: str, version: str, site: Path) -> dict | None:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{dist}-{version}-{top}-{SUMMARY_FORMAT}") + ".json"
        path = self.cache_dir / "knowledge" / name if self.cache_dir is not None else None
        if path is not None:
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
        summary = {"dist": dist, "version": version, **summarise_installed(site, top)}
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(summary, separators=(",", ":")), encoding="utf-8")
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only cache: summarise again next time
        return summary


def site_packages(env: Path) -> list[Path]:
    """The site-packages folders of a virtual environment's folder (POSIX and Windows layouts)."""
    found = sorted(env.glob("lib/python3*/site-packages")) + sorted(env.glob("lib64/python3*/site-packages"))
    found += [p for p in (env / "Lib" / "site-packages",) if p.is_dir()]
    out: list[Path] = []
    for p in found:
        if p.is_dir() and p.resolve() not in {q.resolve() for q in out}:
            out.append(p)
    return out


def _interpreter_sites(python: Path) -> list[Path]:
    """Ask an interpreter outside a virtual environment where its libraries live (pyright does
    the same): it runs isolated (``-I``) and imports nothing of the project or its libraries."""
    code = "import json, sysconfig; print(json.dumps([sysconfig.get_path('purelib'), sysconfig.get_path('platlib')]))"
    try:
        out = subprocess.run([str(python), "-I", "-c", code], capture_output=True, text=True, timeout=20, check=True).stdout
        return [p for p in dict.fromkeys(Path(x) for x in json.loads(out)) if p.is_dir()]
    except (OSError, subprocess.SubprocessError, ValueError):
        return []


def find_sites(python: str | None, project_root: Path | None, base_dir: Path | None = None) -> list[Path] | None:
    """The site-packages of the project's environment, or None when it is not known."""
    if python:
        p = Path(python).expanduser()
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        if p.is_dir():
            return site_packages(p)
        for env in (p.parent.parent, p.parent):  # .venv/bin/python, or Scripts\\python.exe
            if (env / "pyvenv.cfg").is_file():
                return site_packages(env)
        return _interpreter_sites(p)
    if project_root is not None:
        for name in (".venv", "venv"):
            env = project_root / name
            if (env / "pyvenv.cfg").is_file():
                return site_packages(env)
    active = os.environ.get("VIRTUAL_ENV")
    if active and Path(active).resolve() != Path(sys.prefix).resolve():
        return site_packages(Path(active))
    return None


_active: tuple | None = None


def activate(python: str | None, project_root: Path | None, cache_dir: Path | None, base_dir: Path | None = None) -> Environment | None:
    """Make the project's environment the first source of library knowledge (or none)."""
    global _active
    key = (python, project_root, cache_dir, base_dir, os.environ.get("VIRTUAL_ENV"))
    if _active is not None and _active[0] == key:
        return _active[1]
    sites = find_sites(python, project_root, base_dir)
    env = Environment(sites, cache_dir) if sites else None
    if env is None:
        libraries.use_environment(None)
    else:
        libraries.use_environment(env.summary, env.has_root)
    _active = (key, env)
    return env

