"""``nearest_loop``: the seed's ``continue`` goes to the innermost loop around it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_kit.machine.unfold import nearest_loop
from aura_kit.protocol import format_local, parse_local


def test_unfold_nearest_loop_renames_a_jump_to_an_outer_loop() -> None:
    """``continue Outer`` inside ``rec Inner`` becomes ``continue Inner``."""
    local = parse_local("rec Outer.B!Go.rec Inner.B!{More.Inner, Again.Outer, Stop.end}")
    assert format_local(nearest_loop(local)) == (
        "rec Outer.B!Go.rec Inner.B!{More.Inner, Again.Inner, Stop.end}"
    )


@given(st.sampled_from(["end", "B!Go.end", "rec X.B!{Go.X, Stop.end}", "rec X.A?Hi(int).X"]))
def test_unfold_nearest_loop_keeps_a_type_without_outer_jumps(text: str) -> None:
    """A type whose every jump names its innermost loop comes back equal."""
    local = parse_local(text)
    assert nearest_loop(local) == local
