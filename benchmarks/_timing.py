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
from collections.abc import Callable
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


def median_ns(run: Callable[[], int], repeats: int = 7) -> float:
    """Median over ``repeats`` of ``run()``, which returns elapsed nanoseconds for one repeat."""
    samples = []
    gc.collect()
    for _ in range(repeats):
        samples.append(run())
    return statistics.median(samples)


def per_call_ns(body: Callable[[int], object], n: int, repeats: int = 7) -> float:
    """Median nanoseconds per iteration of ``body(n)``, a function that loops ``n`` times."""

    def run() -> int:
        start = time.perf_counter_ns()
        body(n)
        return time.perf_counter_ns() - start

    return median_ns(run, repeats) / n


def paired_per_call_ns(
    base: Callable[[int], object],
    subject: Callable[[int], object],
    n: int,
    repeats: int = 9,
) -> tuple[float, float]:
    """Median ns per iteration of ``base(n)`` and ``subject(n)``, measured alternately.

    Alternating the two loops repeat by repeat means a burst of load from elsewhere on the
    machine lands on both sides of the ratio.
    """
    base_samples: list[int] = []
    subject_samples: list[int] = []
    gc.collect()
    for _ in range(repeats):
        for body, samples in ((base, base_samples), (subject, subject_samples)):
            start = time.perf_counter_ns()
            body(n)
            samples.append(time.perf_counter_ns() - start)
    return statistics.median(base_samples) / n, statistics.median(subject_samples) / n


def once_ns(fn: Callable[[], object]) -> int:
    """Elapsed nanoseconds of one call."""
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


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
