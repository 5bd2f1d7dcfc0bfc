"""The checker's clock: the CPU time of the calling thread, which a busy machine does not eat
into (a step's budget is computing time, not waiting time).

Where the platform has no per-thread clock (Python compiled to WebAssembly, as in a browser),
the process's CPU time stands in, and failing that the wall clock.

Examples
--------
>>> a = cpu_seconds(); b = cpu_seconds()
>>> b >= a
True
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["cpu_seconds"]


def _pick() -> Callable[[], float]:
    for clock in (getattr(time, "thread_time", None), time.process_time, time.perf_counter):
        if clock is None:
            continue
        try:
            clock()
        except (OSError, NotImplementedError):  # present, but not supported here
            continue
        return clock
    return time.perf_counter


cpu_seconds: Callable[[], float] = _pick()
