"""Hypothesis properties of the protocol layer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_kit.protocol import (
    GlobalType,
    LocalType,
    Protocol,
    dual,
    format_local,
    format_protocol,
    local_fsm,
    parse_local,
    parse_protocol,
    project,
    project_all,
    roles,
    well_formed_local,
)
from tests.strategies import (
    choreographies,
    global_types,
    local_types,
    protocols,
    well_formed_global_types,
)


@given(global_types())
def test_properties_global_format_parse_round_trip(g: GlobalType) -> None:
    """Any closed, guarded global type prints to text that parses back to it."""
    p = Protocol("R", roles(g) or ("A",), g)
    assert parse_protocol(format_protocol(p)).global_type == g


@given(protocols())
def test_properties_protocol_round_trip_keeps_roles(p: Protocol) -> None:
    """Printing and parsing keeps the name and the declared roles, idle ones included."""
    again = parse_protocol(format_protocol(p))
    assert (again.name, again.roles, again.global_type) == (p.name, p.roles, p.global_type)


@given(local_types())
def test_properties_local_format_parse_round_trip(t: LocalType) -> None:
    """The local notation round-trips."""
    assert parse_local(format_local(t)) == t


@given(well_formed_global_types())
def test_properties_projections_are_well_formed(g: GlobalType) -> None:
    """Projections of well-formed global types are closed, guarded and have automata."""
    for role, local in project_all(g).items():
        assert well_formed_local(local), role
        assert local_fsm(local).states[0] == 0


@given(local_types(partners=("Peer",)))
def test_properties_dual_is_an_involution(t: LocalType) -> None:
    """dual(dual(t)) == t."""
    assert dual(dual(t)) == t


@given(global_types(("A", "B")))
def test_properties_two_party_projections_are_dual(g: GlobalType) -> None:
    """With two roles, A's projection is the dual of B's (partners renamed)."""
    a, b = project(g, "A"), project(g, "B")
    assert dual(a, "A") == b


@given(well_formed_global_types(), st.sampled_from(("full", "plain")))
def test_properties_plain_success_implies_full_agrees(g: GlobalType, merge: str) -> None:
    """Whenever plain merge projects, full merge gives the same local types."""
    try:
        plain = project_all(g, "plain")
    except ValueError:
        return
    assert project_all(g, merge) == plain


@given(choreographies())
def test_properties_choreography_text_round_trip(p: Protocol) -> None:
    """Generated nested-loop protocols, keyword labels included, print and parse back equal."""
    again = parse_protocol(format_protocol(p))
    assert (again.roles, again.global_type) == (p.roles, p.global_type)
    assert format_protocol(again) == format_protocol(p)
