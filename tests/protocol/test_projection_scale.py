"""Projection scales with the number of distinct nodes, not the depth or the unfolded tree."""

from __future__ import annotations

import pytest

from aura_kit.protocol import project, project_all
from aura_kit.protocol.types import Branch, Comm, End, GlobalType, Recv, Send, Sort


def _chain(n_messages: int, n_roles: int, choice_every: int = 0) -> GlobalType:
    """Messages around a ring, built right to left; optional two-way choices sharing a tail."""
    rest: GlobalType = End()
    for k in reversed(range(n_messages)):
        s, r = f"R{k % n_roles}", f"R{(k + 1) % n_roles}"
        if choice_every and k % choice_every == 0:
            rest = Comm(s, r, (Branch(f"A{k}", Sort.INT, rest), Branch(f"B{k}", Sort.UNIT, rest)))
        else:
            rest = Comm(s, r, (Branch(f"M{k}", Sort.INT, rest),))
    return rest


def _length(t: object) -> int:
    n = 0
    while isinstance(t, (Send, Recv)):
        n += 1
        t = t.branches[0].cont
    return n


def test_projection_scale_long_protocol_needs_no_deep_recursion() -> None:
    """A 5,000-message protocol projects at the default recursion limit, every action kept."""
    locals_ = project_all(_chain(5000, 4))
    assert sorted(locals_) == ["R0", "R1", "R2", "R3"]
    assert all(_length(t) == 2500 for t in locals_.values())  # each role sends and receives


@pytest.mark.timeout(20)
def test_projection_scale_sequential_choices_project_each_tail_once() -> None:
    """60 choices in a row (2**60 paths) project quickly: a shared tail is projected once."""
    g = _chain(600, 5, choice_every=10)
    outsider = project(g, "R2")
    assert isinstance(outsider, Recv) and _length(outsider) > 0
    chooser = project(g, "R0")
    assert isinstance(chooser, Send) and [b.label for b in chooser.branches] == ["A0", "B0"]
    assert chooser.branches[0].cont is chooser.branches[1].cont
