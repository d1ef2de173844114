"""Every public operation works on a protocol exactly ``MAX_DEPTH`` deep; one more is refused.

Nothing here raises the recursion limit: each walk over a type is a loop or a stack, and
recursion is left only at choices and ``rec`` (bounded by ``MAX_NESTING``).
"""

from __future__ import annotations

import sys

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine, StepResult, explore
from aura_kit.machine.graph import LABEL_NODES
from aura_kit.protocol import (
    Protocol,
    ProtocolDefinitionError,
    ProtocolSyntaxError,
    check_protocol,
    format_local,
    format_protocol,
    local_fsm,
    parse_local,
    parse_protocol,
    project_all,
    well_formed,
    well_formed_local,
)
from aura_kit.protocol.limits import MAX_DEPTH, MAX_NESTING
from aura_kit.protocol.types import Recv
from aura_kit.render import sequence_dot
from aura_kit.view import protocol_sequence_view

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


def test_depth_limit_is_far_beyond_the_recursion_limit() -> None:
    """The limit is at least 4,096 levels, four times the default recursion limit."""
    assert MAX_DEPTH >= 4096 > 4 * sys.getrecursionlimit() - 1
    assert MAX_NESTING == 64


def test_depth_limit_one_more_is_refused() -> None:
    """One message more than the limit is a typed error at the first message, not RecursionError."""
    with pytest.raises(ProtocolDefinitionError) as caught:
        parse_protocol(deep_text(AT_LIMIT + 1), source="deep.choreo")
    assert f"depth {MAX_DEPTH + 1}" in str(caught.value)
    assert (caught.value.source, caught.value.line, caught.value.column) == ("deep.choreo", 2, 3)


def test_depth_limit_parse_and_format_round_trip(deep: Protocol) -> None:
    """Parse, format and parse again give an equal type and the same text at the limit."""
    text = format_protocol(deep)
    again = parse_protocol(text)
    assert again.global_type == deep.global_type
    assert hash(again.global_type) == hash(deep.global_type)
    assert (
        format_protocol(again)
        == text
        == deep_text(AT_LIMIT).replace(
            "  choice at A { A -> B: Yes } or { A -> B: No(str) }",
            "  choice at A {\n    A -> B: Yes\n  } or {\n    A -> B: No(str)\n  }",
        )
    )
    assert deep.position((0,) * (AT_LIMIT - 1)) == (AT_LIMIT + 1, 3)


def test_depth_limit_equality_tells_deep_types_apart(deep: Protocol) -> None:
    """Equality at the limit still sees a difference at the very bottom."""
    other = parse_protocol(deep_text(AT_LIMIT).replace("No(str)", "No(int)"))
    assert other.global_type != deep.global_type
    assert len({deep.global_type, other.global_type}) == 2
    assert repr(deep.global_type).count("Comm(") == AT_LIMIT + 1


def test_depth_limit_projection_and_checks(deep: Protocol) -> None:
    """project_all, check_protocol, well_formed and well_formed_local work at the limit."""
    local = project_all(deep.global_type)
    assert set(local) == set(ROLES)
    assert check_protocol(deep) == local
    assert well_formed(deep)
    assert all(well_formed_local(t) for t in local.values())


def test_depth_limit_local_types_round_trip(deep: Protocol) -> None:
    """format_local / parse_local round-trip, and hash, every projection at the limit."""
    for t in project_all(deep.global_type).values():
        text = format_local(t)
        back = parse_local(text)
        assert back == t and hash(back) == hash(t)
        assert format_local(back) == text


def test_depth_limit_local_text_one_more_is_refused() -> None:
    """A local type one level deeper than the limit is a syntax error at its last level."""
    ok = "B!M." * (MAX_DEPTH - 1) + "end"
    assert isinstance(parse_local(ok), type(parse_local("B!M.end")))
    with pytest.raises(ProtocolSyntaxError) as caught:
        parse_local("B!M." * MAX_DEPTH + "end")
    assert caught.value.column == 4 * MAX_DEPTH + 1


def test_depth_limit_local_fsm(deep: Protocol) -> None:
    """Each role's FSM has a state per message it takes part in, plus the choice and end."""
    fsms = {r: local_fsm(t) for r, t in project_all(deep.global_type).items()}
    assert all(len(f.states) > AT_LIMIT // 2 for f in fsms.values())
    states, transitions = len(fsms["A"].states), len(fsms["A"].transitions)
    assert states == transitions  # a line, then two choice edges into one end state


def test_depth_limit_deep_merge() -> None:
    """A third role merges two long receive runs that differ only at the very end."""
    run = "\n".join(["    B -> C: Step"] * (MAX_DEPTH - 8))
    text = (
        "protocol Merge(A, B, C) {\n  choice at A {\n    A -> B: Left\n"
        f"{run}\n    B -> C: Done\n  }} or {{\n    A -> B: Right\n"
        f"{run}\n    B -> C: Stop\n  }}\n}}\n"
    )
    local = project_all(parse_protocol(text))["C"]
    bottom = local
    while isinstance(bottom, Recv) and len(bottom.branches) == 1:
        bottom = bottom.branches[0].cont
    assert isinstance(bottom, Recv) and [b.label for b in bottom.branches] == ["Done", "Stop"]


def test_depth_limit_machine_runs_to_completion(deep: Protocol) -> None:
    """The machine runs the deep image to the end: every message sent and received."""
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(deep))
    assert machine.run() is StepResult.ALL_DONE
    sent = [e for e in machine.events if e.kind.value in ("sent", "selected")]
    assert len(sent) == AT_LIMIT + 1


def test_depth_limit_explore_and_graph(deep: Protocol) -> None:
    """Exploring the whole straight line finds nothing wrong; the graph's labels are capped."""
    result = explore(CodeImage.from_protocol(deep), max_states=20_000)
    assert result.complete and result.state_count > 2 * AT_LIMIT
    assert not (result.deadlocks or result.orphans or result.overflows or result.faults)
    assert len(result.graph.nodes) == result.state_count
    first = dict(result.graph.nodes[0].roles)["A"]
    assert first.endswith(".…") and first.count(".") == LABEL_NODES


def test_depth_limit_sequence_view_and_dot(deep: Protocol) -> None:
    """The sequence view has a row per message at the limit, and its DOT text an arrow each."""
    view = protocol_sequence_view(deep, limit=AT_LIMIT + 10)
    assert not view.truncated and len(view.arrows) == AT_LIMIT + 2
    dot = sequence_dot(view)
    assert f"M{AT_LIMIT - 1}(int)" in dot and "No(str)" in dot
    assert protocol_sequence_view(deep).truncated
