"""The linted project's Python environment, from the configuration: where its libraries'
summaries come from (``knowledge.live``), shared by the linter and the cache key."""

from __future__ import annotations

from pathlib import Path

from asynclint.config import Config, cache_dir_default
from asynclint.knowledge.live import Environment, activate


def activate_for(config: Config, project_root: Path | None) -> Environment | None:
    """Make the project's environment (when known) the first source of library knowledge.
    Summaries are cached in the cache directory (not written with ``cache = false``)."""
    cache_dir = None
    if config.cache:
        if config.cache_dir:
            p = Path(config.cache_dir).expanduser()
            cache_dir = p if p.is_absolute() else Path(config.base_dir) / p
        else:
            cache_dir = cache_dir_default(project_root if project_root is not None else Path.cwd())
    return activate(config.python, project_root, cache_dir, Path(config.base_dir))
