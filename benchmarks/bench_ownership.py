"""Target 1: the ownership check on a valid owner against one dict lookup plus a tuple compare.

Measured: ``EffectSystem.assert_owned_choreography_boundary(owner, boundary)`` for the bound,
current owner of a session (the check every ingress round makes). Baseline, in the same loop
shape: ``records[sid] == expected`` (one dict lookup plus one tuple comparison).
Target: ratio <= 4; under 2 us absolute as a guide.
"""

from __future__ import annotations

from _timing import Result, paired_per_call_ns, us

from aura_kit.ownership import ChoreographicRole, LinkBoundary, SessionId
from aura_kit.runtime import EffectSystem

N = 100_000


def _baseline(n: int) -> None:
    sid = str(SessionId.new())  # a str key: the cheapest honest lookup, no flattering
    records = {sid: ("label", 1, "session")}
    expected = ("label", 1, "session")
    for _ in range(n):
        if records[sid] != expected:
            raise AssertionError("baseline mismatch")


def _subject() -> tuple[EffectSystem, object]:
    effects = EffectSystem("bench")
    return effects, effects.task("bench")


def run(quick: bool = False) -> list[Result]:
    """Measure target 1."""
    n = N // 10 if quick else N
    effects, task = _subject()
    boundary = LinkBoundary.for_protocol("bench")
    with task:
        owner = effects.start_owned_choreography_session(
            "bench", SessionId.new(), [ChoreographicRole("bench", 0)]
        )
        check = effects.assert_owned_choreography_boundary

        def subject(k: int) -> None:
            for _ in range(k):
                check(owner, boundary)

        base, cost = paired_per_call_ns(_baseline, subject, n)
    ratio = cost / base
    return [
        Result(
            target="1",
            name="ownership check (valid owner)",
            measured=f"{us(cost)} vs {us(base)} baseline",
            ratio=ratio,
            limit=4.0,
            note=f"absolute guide < 2 us: {'met' if cost < 2000 else 'missed'}",
            data={"check_ns": cost, "baseline_ns": base},
        )
    ]
