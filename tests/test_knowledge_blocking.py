"""The blocking tables are plain data the runtime checker wraps: every name must be real."""

from __future__ import annotations

import importlib
import sys

import pytest

from asynclint.knowledge import blocking
from asynclint.knowledge.blocking import BLOCKING

TABLES = {
    "ASL101": blocking.SLEEP,
    "ASL102": blocking.HTTP,
    "ASL103": blocking.SUBPROCESS,
    "ASL104": blocking.FILE_IO,
    "ASL105": blocking.DATABASE,
    "ASL106": blocking.SOCKET,
    "ASL107": blocking.WAIT_PRIMITIVES,
    "ASL108": blocking.INPUT,
}

# Names that are right for the static rules but are not attributes of the owner object here.
NOT_CLASS_ATTRIBUTES = {
    "threading.Lock.acquire": "threading.Lock is a factory before 3.13; the lock type has acquire",
    "threading.RLock.acquire": "threading.RLock is a factory; the lock type has acquire",
    "threading.Condition.acquire": "Condition binds acquire to its lock in __init__",
}
ADDED_IN = {"pathlib.Path.walk": (3, 12)}


def resolve(name: str):
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(name)


def test_tables_merge_without_collisions():
    assert sum(len(t) for t in TABLES.values()) == len(BLOCKING)
    for code, table in TABLES.items():
        assert {b.code for b in table.values()} == {code}
        assert all(b.instead for b in table.values())


@pytest.mark.parametrize("name", sorted(BLOCKING))
def test_name_is_importable(name):
    if name.startswith("sys.stdin"):
        return  # whatever stdin is at run time; the test runner replaces it
    if name in NOT_CLASS_ATTRIBUTES or sys.version_info < ADDED_IN.get(name, (0, 0)):
        pytest.skip(NOT_CLASS_ATTRIBUTES.get(name, "newer Python"))
    try:
        obj = resolve(name)
    except ModuleNotFoundError:
        pytest.skip(f"{name.split('.')[0]} is not installed here")
    assert callable(obj)


def test_stdlib_names_need_no_skip():
    stdlib = [n for n in BLOCKING if n.split(".")[0] in sys.stdlib_module_names and not n.startswith("sys.stdin")]
    assert len(stdlib) > 200
    for name in stdlib:
        if name in NOT_CLASS_ATTRIBUTES or sys.version_info < ADDED_IN.get(name, (0, 0)):
            continue
        assert callable(resolve(name)), name


@pytest.mark.parametrize(
    "pure",
    ["os.path.join", "os.path.basename", "os.path.dirname", "os.path.splitext", "os.path.abspath", "os.fspath",
     "pathlib.Path.with_suffix", "pathlib.Path.joinpath", "pathlib.PurePath.joinpath", "os.getcwd"],
)
def test_pure_helpers_are_never_blocking(pure):
    assert pure not in BLOCKING


def test_nonblocking_arguments_are_well_formed():
    for name, entry in BLOCKING.items():
        for keyword, position, _value in entry.nonblocking:
            assert keyword.isidentifier() and (position is None or position >= 0), name
