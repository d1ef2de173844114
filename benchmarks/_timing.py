"""Timing helpers shared by the benchmarks: pinning, medians of repeats, result rows.

Every figure is a ratio against a baseline measured in the same run, because absolute times
drift on shared machines. Times use ``time.perf_counter_ns``; each measurement is the median
of several repeats of a loop that runs the measured body many times.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def pin_to_one_core() -> str:
    """Pin this process to one CPU (the first one it may use); describe what happened."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[0]})
        return f"pinned to core {allowed[0]}"
    except (AttributeError, OSError) as error:  # not Linux, or not permitted
        return f"not pinned ({error.__class__.__name__})"


def alternating_medians(fns: Sequence[Callable[[], float]], repeats: int) -> list[float]:
    """Median of each zero-argument timing function's result, the functions run in turn.

    Running them in alternation, repeat by repeat, means a burst of load from elsewhere on
    the machine lands on every side of a ratio.
    """
    samples: list[list[float]] = [[] for _ in fns]
    gc.collect()
    for _ in range(repeats):
        for fn, taken in zip(fns, samples, strict=True):
            taken.append(fn())
    return [statistics.median(taken) for taken in samples]


def once_ns(fn: Callable[[], object]) -> int:
    """Elapsed nanoseconds of one call."""
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def median_ns(fn: Callable[[], object], repeats: int = 7) -> float:
    """Median over ``repeats`` of the nanoseconds one call of ``fn()`` takes."""
    return alternating_medians([lambda: once_ns(fn)], repeats)[0]


def paired_per_call_ns(
    base: Callable[[int], object],
    subject: Callable[[int], object],
    n: int,
    repeats: int = 9,
) -> tuple[float, float]:
    """Median ns per iteration of ``base(n)`` and ``subject(n)``, measured alternately."""
    base_ns, subject_ns = alternating_medians(
        [lambda: once_ns(lambda: base(n)), lambda: once_ns(lambda: subject(n))], repeats
    )
    return base_ns / n, subject_ns / n


@dataclass(slots=True, kw_only=True)
class Result:
    """One row of the report: a target, what was measured, the ratio and the verdict.

    ``ratio`` is measured / baseline (or the doubling ratio, or the reduction factor);
    ``limit`` is the target's bound on it; ``higher_is_better`` flips the comparison.
    """

    target: str
    name: str
    measured: str
    ratio: float | None
    limit: float | None
    higher_is_better: bool = False
    passed: bool | None = None
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.passed is None and self.ratio is not None and self.limit is not None:
            if self.higher_is_better:
                self.passed = self.ratio >= self.limit
            else:
                self.passed = self.ratio <= self.limit

    @property
    def verdict(self) -> str:
        """``pass``, ``MISS`` or ``info`` (no bound)."""
        if self.passed is None:
            return "info"
        return "pass" if self.passed else "MISS"

    @property
    def ratio_text(self) -> str:
        """The ratio and its bound as text."""
        if self.ratio is None:
            return "-"
        bound = ""
        if self.limit is not None:
            bound = f" ({'>=' if self.higher_is_better else '<='} {self.limit:g})"
        return f"{self.ratio:.2f}x{bound}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "target": self.target,
            "name": self.name,
            "measured": self.measured,
            "ratio": self.ratio,
            "limit": self.limit,
            "higher_is_better": self.higher_is_better,
            "verdict": self.verdict,
            "note": self.note,
            "data": self.data,
        }


def us(ns: float) -> str:
    """Nanoseconds as a short microsecond string."""
    return f"{ns / 1000:.3f} us"


def ms(ns: float) -> str:
    """Nanoseconds as a short millisecond string."""
    return f"{ns / 1e6:.1f} ms"
