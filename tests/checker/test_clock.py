"""The checker runs where Python has no per-thread clock (WebAssembly, in a browser)."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest

from derivnotes.checker import clock


def test_without_thread_time_the_process_clock_stands_in(monkeypatch) -> None:
    monkeypatch.delattr(time, "thread_time")
    try:
        reloaded = importlib.reload(clock)
        assert reloaded.cpu_seconds is time.process_time
    finally:
        monkeypatch.undo()
        importlib.reload(clock)
    assert clock.cpu_seconds is time.thread_time


def test_a_clock_that_is_there_but_unsupported_is_skipped(monkeypatch) -> None:
    def unsupported() -> float:
        raise OSError("not supported")

    monkeypatch.setattr(time, "thread_time", unsupported)
    monkeypatch.setattr(time, "process_time", unsupported)
    try:
        assert importlib.reload(clock).cpu_seconds is time.perf_counter
    finally:
        monkeypatch.undo()
        importlib.reload(clock)


@pytest.mark.parametrize("module", ["derivnotes.checker.numeric", "derivnotes.checker.symbolic"])
def test_the_deciders_use_the_checkers_clock(module: str) -> None:
    text = Path(importlib.import_module(module).__file__).read_text(encoding="utf-8")
    assert "thread_time" not in text and "cpu_seconds()" in text
