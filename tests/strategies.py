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
    AnyType,
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


Bound = tuple[str, ...]
# Draws one communication node ``depth`` deep with ``bound`` recursion variables in scope.
DrawComm = Callable[[st.DrawFn, int, Bound], AnyType]


def _branches(draw: st.DrawFn, depth: int, bound: Bound, comm: DrawComm) -> tuple[Branch, ...]:
    picked = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True))
    return tuple(
        Branch(label, draw(st.sampled_from(SORTS)), _type(draw, depth - 1, bound, comm))
        for label in picked
    )


def _type(draw: st.DrawFn, depth: int, bound: Bound, comm: DrawComm) -> AnyType:
    """``end``, a bound variable, ``rec`` around a communication, or a communication."""
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
        return Mu(var, comm(draw, depth - 1, (*bound, var)))
    return comm(draw, depth, bound)


def _comm(role_names: tuple[str, ...]) -> DrawComm:
    def comm(draw: st.DrawFn, depth: int, bound: Bound) -> Comm:
        sender, receiver = draw(st.permutations(role_names))[:2]
        return Comm(sender, receiver, _branches(draw, depth, bound, comm))

    return comm


@st.composite
def global_types(
    draw: st.DrawFn, role_names: tuple[str, ...] = ("A", "B", "C"), max_depth: int = 5
) -> GlobalType:
    """A closed, guarded global type over ``role_names``."""
    return _type(draw, max_depth, (), _comm(role_names))  # type: ignore[return-value]


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


def _local_comm(partners: tuple[str, ...]) -> DrawComm:
    def comm(draw: st.DrawFn, depth: int, bound: Bound) -> Send | Recv:
        partner = draw(st.sampled_from(partners))
        branches = _branches(draw, depth, bound, comm)
        return Send(partner, branches) if draw(st.booleans()) else Recv(partner, branches)

    return comm


@st.composite
def local_types(
    draw: st.DrawFn, partners: tuple[str, ...] = ("Client", "Server"), max_depth: int = 5
) -> LocalType:
    """A closed, guarded local type talking to ``partners``."""
    return _type(draw, max_depth, (), _local_comm(partners))  # type: ignore[return-value]
