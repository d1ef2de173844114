"""Counts that hardening tests report at the end of the run (not a test module).

``record(name, n)`` adds to a counter; ``tests/hardening/conftest.py`` prints every counter
in a "hardening summary" section of the terminal report.
"""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()


def record(name: str, n: int = 1) -> None:
    """Add ``n`` to the counter ``name``."""
    COUNTS[name] += n


def lines() -> list[str]:
    """One ``name: count`` line per counter, sorted by name."""
    return [f"{name}: {COUNTS[name]:,}" for name in sorted(COUNTS)]
