"""Hypothesis strategies shared by every test package.

- ``global_types(roles)``: closed, guarded global types with distinct labels per message
  and no self-messages (not always projectable);
- ``well_formed_global_types()``: global types that also project onto every role;
- ``protocols()``: ``Protocol`` values around well-formed global types;
- ``local_types(partners)``: closed, guarded local types.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    GlobalType,
    LocalType,
    Mu,
    Protocol,
    Recv,
    Send,
    Sort,
    Var,
    roles,
    well_formed,
)

LABELS = ("Ping", "Pong", "Data", "Stop", "Go", "Ok")
VARIABLES = ("X", "Y", "Loop")
SORTS = tuple(Sort)


def _branches(
    draw: st.DrawFn, depth: int, bound: tuple[str, ...], cont: Callable[..., object]
) -> tuple[Branch, ...]:
    picked = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True))
    return tuple(
        Branch(label, draw(st.sampled_from(SORTS)), cont(draw, depth - 1, bound))  # type: ignore[arg-type]
        for label in picked
    )


def _global(
    draw: st.DrawFn, depth: int, bound: tuple[str, ...], role_names: tuple[str, ...]
) -> GlobalType:
    options = ["end", "comm"] if depth > 0 else ["end"]
    if bound:
        options.append("var")
    if depth > 1:
        options.append("mu")
    kind = draw(st.sampled_from(options))
    if kind == "end":
        return End()
    if kind == "var":
        return Var(draw(st.sampled_from(bound)))
    if kind == "mu":
        var = draw(st.sampled_from(VARIABLES))
        return Mu(var, _comm(draw, depth - 1, (*bound, var), role_names))
    return _comm(draw, depth, bound, role_names)


def _comm(draw: st.DrawFn, depth: int, bound: tuple[str, ...], role_names: tuple[str, ...]) -> Comm:
    sender, receiver = draw(st.permutations(role_names))[:2]

    def cont(draw: st.DrawFn, d: int, b: tuple[str, ...]) -> GlobalType:
        return _global(draw, d, b, role_names)

    return Comm(sender, receiver, _branches(draw, depth, bound, cont))


@st.composite
def global_types(
    draw: st.DrawFn, role_names: tuple[str, ...] = ("A", "B", "C"), max_depth: int = 5
) -> GlobalType:
    """A closed, guarded global type over ``role_names``."""
    return _global(draw, max_depth, (), role_names)


def well_formed_global_types(max_depth: int = 5) -> st.SearchStrategy[GlobalType]:
    """Global types that keep every rule and project onto every role (full merge)."""
    two = global_types(("A", "B"), max_depth)
    three = global_types(("A", "B", "C"), max_depth).filter(well_formed)
    return st.one_of(two, three)


@st.composite
def protocols(draw: st.DrawFn, max_depth: int = 5) -> Protocol:
    """A well-formed ``Protocol``; its declared roles may include an idle one."""
    g = draw(well_formed_global_types(max_depth))
    declared = roles(g) + (("Idle",) if draw(st.booleans()) else ())
    return Protocol(name="Random", roles=declared or ("A",), global_type=g)


def _local(
    draw: st.DrawFn, depth: int, bound: tuple[str, ...], partners: tuple[str, ...]
) -> LocalType:
    options = ["end", "comm"] if depth > 0 else ["end"]
    if bound:
        options.append("var")
    if depth > 1:
        options.append("mu")
    kind = draw(st.sampled_from(options))
    if kind == "end":
        return End()
    if kind == "var":
        return Var(draw(st.sampled_from(bound)))
    if kind == "mu":
        var = draw(st.sampled_from(VARIABLES))
        return Mu(var, _local_comm(draw, depth - 1, (*bound, var), partners))
    return _local_comm(draw, depth, bound, partners)


def _local_comm(
    draw: st.DrawFn, depth: int, bound: tuple[str, ...], partners: tuple[str, ...]
) -> Send | Recv:
    def cont(draw: st.DrawFn, d: int, b: tuple[str, ...]) -> LocalType:
        return _local(draw, d, b, partners)

    partner = draw(st.sampled_from(partners))
    branches = _branches(draw, depth, bound, cont)
    return Send(partner, branches) if draw(st.booleans()) else Recv(partner, branches)


@st.composite
def local_types(
    draw: st.DrawFn, partners: tuple[str, ...] = ("Client", "Server"), max_depth: int = 5
) -> LocalType:
    """A closed, guarded local type talking to ``partners``."""
    return _local(draw, max_depth, (), partners)
