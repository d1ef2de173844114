"""``nearest_loop``: the seed's ``continue`` goes to the innermost loop around it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_kit.machine.unfold import nearest_loop
from aura_kit.protocol import format_local, parse_local
from aura_kit.protocol.types import Mu, Recv, Send, Var
from tests.strategies import local_types


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


def _shape(t: object, inner: str | None = None) -> object:
    """The type with every ``continue`` name replaced by a marker of whether it is innermost."""
    if isinstance(t, Var):
        return ("jump", t.var == inner)
    if isinstance(t, Mu):
        return ("rec", _shape(t.body, t.var))
    if isinstance(t, (Send, Recv)):
        kids = tuple((b.label, b.sort, _shape(b.cont, inner)) for b in t.branches)
        return (type(t).__name__, t.partner, kids)
    return "end"


@given(local_types())
def test_unfold_nearest_loop_only_renames_jumps_and_is_idempotent(local) -> None:
    """Communications stay as they are, every jump names its innermost loop, twice is once."""
    once = nearest_loop(local)
    assert nearest_loop(once) == once
    assert "('jump', False)" not in repr(_shape(once))
    strip = repr(_shape(local)).replace("('jump', False)", "('jump', True)")
    assert repr(_shape(once)) == strip
