"""Hardening tests: print the counts they recorded (inputs fuzzed, forgeries tried ...)."""

from __future__ import annotations

from typing import Any

from tests.hardening import summary


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """A "hardening summary" section listing every recorded count."""
    if summary.COUNTS:
        terminalreporter.section("hardening summary")
        for line in summary.lines():
            terminalreporter.write_line(line)
