"""The progress bar: drawn on a terminal only, never with --quiet or in CI."""

from __future__ import annotations

import os
import select

import pytest

from asynclint.progress import ProgressBar, wanted


@pytest.fixture
def tty():
    master, slave = os.openpty()
    stream = os.fdopen(slave, "w")
    yield master, stream
    stream.close()
    os.close(master)


def read_all(fd: int) -> str:
    """Everything written to the pty so far (one read may return only part of it)."""
    chunks = []
    while select.select([fd], [], [], 0.5)[0]:
        chunks.append(os.read(fd, 4096))
    return b"".join(chunks).decode()


def test_wanted_on_a_terminal_only(tty, monkeypatch, tmp_path):
    _, stream = tty
    monkeypatch.delenv("CI", raising=False)
    assert wanted(False, stream)
    assert not wanted(True, stream)  # --quiet
    with open(tmp_path / "log", "w") as f:
        assert not wanted(False, f)
    monkeypatch.setenv("CI", "true")
    assert not wanted(False, stream)


def test_bar_draws_after_the_delay_and_erases_itself(tty):
    master, stream = tty
    bar = ProgressBar(stream, delay=0)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    out = read_all(master)
    assert "5/10 files" in out
    assert "10/10 files" in out
    assert out.endswith("\r")


def test_short_run_draws_nothing(tty):
    _, stream = tty
    bar = ProgressBar(stream, delay=3600)
    bar(1, 2)
    bar(2, 2)
    bar.close()
    assert not bar._drawn
