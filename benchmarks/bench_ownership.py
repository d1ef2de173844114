"""Target 1: the ownership check on a valid owner against one dict lookup plus a tuple compare.

Measured: ``EffectSystem.assert_owned_choreography_boundary(owner, boundary)`` for the bound,
current owner of a session (the check every ingress round makes). Baseline, in the same loop
shape: ``records[sid] == expected`` (one dict lookup plus one tuple comparison).
Target: ratio <= 4; under 2 us absolute as a guide.
"""

from __future__ import annotations

import contextlib

from _timing import Result, paired_per_call_ns, us

from aura_kit.ownership import ChoreographicRole, LinkBoundary, RuntimeSessionOwner, SessionId
from aura_kit.runtime import EffectSystem, HostTask

N = 100_000


def _baseline(n: int) -> None:
    sid = str(SessionId.new())  # a str key: the cheapest honest lookup, no flattering
    records = {sid: ("label", 1, "session")}
    expected = ("label", 1, "session")
    for _ in range(n):
        if records[sid] != expected:
            raise AssertionError("baseline mismatch")


def bound_owner(in_host_task: bool) -> tuple[EffectSystem, HostTask, RuntimeSessionOwner]:
    """An effect system, its task and the owner of a session bound to that task or this thread."""
    effects = EffectSystem("bench")
    task = effects.task("bench")
    role = [ChoreographicRole("bench", 0)]
    with task if in_host_task else contextlib.nullcontext():
        owner = effects.start_owned_choreography_session("bench", SessionId.new(), role)
    return effects, task, owner


def _check_ns(in_host_task: bool, n: int) -> tuple[float, float]:
    """(baseline ns, check ns) for a session bound to a host task or to this thread."""
    effects, task, owner = bound_owner(in_host_task)
    boundary = LinkBoundary.for_protocol("bench")
    check = effects.assert_owned_choreography_boundary

    def subject(k: int) -> None:
        for _ in range(k):
            check(owner, boundary)

    with task if in_host_task else contextlib.nullcontext():
        return paired_per_call_ns(_baseline, subject, n)


def run(quick: bool = False) -> list[Result]:
    """Measure target 1, in a host task (notebooks, widgets, World) and in a plain thread."""
    n = N // 10 if quick else N
    results = []
    for in_task, where in ((True, "host task"), (False, "thread")):
        base, cost = _check_ns(in_task, n)
        results.append(
            Result(
                target="1" if in_task else "1b",
                name=f"ownership check (valid owner, {where})",
                measured=f"{us(cost)} vs {us(base)} baseline",
                ratio=cost / base,
                limit=4.0,
                note=f"absolute guide < 2 us: {'met' if cost < 2000 else 'missed'}",
                data={"check_ns": cost, "baseline_ns": base},
            )
        )
    return results
