"""Every public operation works on a protocol exactly ``MAX_DEPTH`` deep; one more is refused."""

from __future__ import annotations

import sys

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine, explore
from aura_kit.protocol import (
    Protocol,
    ProtocolDefinitionError,
    format_local,
    format_protocol,
    local_fsm,
    parse_local,
    parse_protocol,
    project_all,
    well_formed,
    well_formed_local,
)
from aura_kit.protocol.limits import MAX_DEPTH
from aura_kit.render import sequence_figure

ROLES = ("A", "B", "C")


def deep_text(messages: int) -> str:
    """``messages`` sequential messages round a ring of three, then a two-way choice.

    Depth: one per message, one for the choice's message, one for ``end``.
    """
    lines = [f"protocol Deep({', '.join(ROLES)}) {{"]
    for i in range(messages):
        lines.append(f"  {ROLES[i % 3]} -> {ROLES[(i + 1) % 3]}: M{i}(int)")
    lines.append("  choice at A { A -> B: Yes } or { A -> B: No(str) }")
    lines.append("}")
    return "\n".join(lines) + "\n"


AT_LIMIT = MAX_DEPTH - 2


@pytest.fixture(scope="module")
def deep() -> Protocol:
    """The protocol exactly ``MAX_DEPTH`` deep."""
    assert sys.getrecursionlimit() <= 1000  # the default: nothing here may raise it
    return parse_protocol(deep_text(AT_LIMIT))


def test_depth_limit_one_more_is_refused() -> None:
    """One message more than the limit is a typed ProtocolDefinitionError, not RecursionError."""
    with pytest.raises(ProtocolDefinitionError) as caught:
        parse_protocol(deep_text(AT_LIMIT + 1))
    assert f"depth {MAX_DEPTH + 1}" in str(caught.value)


def test_depth_limit_parse_and_format_round_trip(deep: Protocol) -> None:
    """Parse, format and parse again give an equal type at the limit."""
    again = parse_protocol(format_protocol(deep))
    assert again.global_type == deep.global_type
    assert hash(again.global_type) == hash(deep.global_type)


def test_depth_limit_equality_tells_deep_types_apart(deep: Protocol) -> None:
    """Equality at the limit still sees a difference at the very bottom."""
    other = parse_protocol(deep_text(AT_LIMIT).replace("No(str)", "No(int)"))
    assert other.global_type != deep.global_type
    assert len({deep.global_type, other.global_type}) == 2


def test_depth_limit_projection_and_checks(deep: Protocol) -> None:
    """project_all, well_formed and well_formed_local work at the limit."""
    local = project_all(deep.global_type)
    assert set(local) == set(ROLES)
    assert well_formed(deep)
    assert all(well_formed_local(t) for t in local.values())


def test_depth_limit_local_types_round_trip(deep: Protocol) -> None:
    """format_local / parse_local round-trip, and hash, every projection at the limit."""
    for t in project_all(deep.global_type).values():
        back = parse_local(format_local(t))
        assert back == t and hash(back) == hash(t)


def test_depth_limit_local_fsm(deep: Protocol) -> None:
    """Each role's FSM has a state per message it takes part in, plus the choice and end."""
    fsms = {r: local_fsm(t) for r, t in project_all(deep.global_type).items()}
    assert all(len(f.states) > AT_LIMIT // 2 for f in fsms.values())


def test_depth_limit_machine_runs_to_completion(deep: Protocol) -> None:
    """The machine runs the deep image to the end: every message sent and received."""
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(deep))
    assert machine.run().value == "all_done"
    sent = [e for e in machine.events if e.kind.value in ("sent", "selected")]
    assert len(sent) == AT_LIMIT + 1


def test_depth_limit_explore_and_graph(deep: Protocol) -> None:
    """Exploration finishes without findings and its state graph can be built."""
    result = explore(CodeImage.from_protocol(deep))
    assert result.ok
    assert len(result.graph.nodes) == result.state_count


def test_depth_limit_sequence_dot(deep: Protocol) -> None:
    """The sequence diagram's DOT text has an arrow for every message at the limit."""
    dot = sequence_figure(deep).dot
    assert f"M{AT_LIMIT - 1}" in dot
