"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def pin_to_one_core() -> str:
    """Pin this process to one CPU where the OS allows it, and say which."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this OS)"


def median_ms(function: Callable[[], object], runs: int, warmup: int) -> float:
    """Return the median wall time of `function` in milliseconds over `runs` calls after `warmup` calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        function()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e6
