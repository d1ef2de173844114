"""Checking by exploration: endpoint automata without merge, deadlocks and orphans found."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given, settings

from aura_kit.cli import main
from aura_kit.protocol import (
    ExplorationError,
    ProjectionError,
    Protocol,
    ProtocolError,
    check_protocol,
    endpoint_automaton,
    explore_endpoints,
    load_protocols,
    parse_protocol,
    well_formed,
)
from tests.strategies import choreographies

PROTOCOLS = Path(__file__).parents[2] / "aura_kit" / "data" / "protocols"

# C learns the branch from B in one branch and from A in the other: no merge, but safe.
TWO_SENDERS = """protocol P(A, B, C) {
  choice at A {
    A -> B: l1
    B -> C: x
  } or {
    A -> B: l2
    A -> C: y
  }
}
"""

# C does not learn the branch and may send z where B has already ended: an orphan.
ORPHAN = """protocol O(A, B, C) {
  choice at A {
    A -> B: l1
    B -> C: x
  } or {
    A -> B: l2
    C -> B: z
  }
}
"""

# C sends v in the wrong branch: B waits for w, C waits for u.
DEADLOCK = """protocol D(A, B, C) {
  choice at A {
    A -> B: l1
    B -> C: x
    C -> B: w
  } or {
    A -> B: l2
    C -> B: v
    B -> C: u
  }
}
"""


def actions(p: Protocol, role: str) -> set[tuple[int, str, int]]:
    """The transitions of ``role``'s endpoint automaton as (src, action, dst)."""
    return {(t.src, t.action, t.dst) for t in endpoint_automaton(p.global_type, role).transitions}


def test_exploration_accepts_what_the_merge_refuses() -> None:
    """A bystander told by different senders is refused by merge, accepted by exploration."""
    p = parse_protocol(TWO_SENDERS)
    with pytest.raises(ProjectionError):
        check_protocol(p)
    automata = check_protocol(p, by="explore")
    assert set(automata) == {"A", "B", "C"}
    assert actions(p, "C") == {(0, "A?y", 1), (0, "B?x", 1)}
    assert automata["C"].finals == frozenset({1})


def test_exploration_reports_the_shortest_orphan_trace() -> None:
    """The orphan comes with the four moves that lead to it and the protocol's place."""
    with pytest.raises(ExplorationError) as info:
        check_protocol(parse_protocol(ORPHAN), by="explore")
    assert info.value.kind == "orphan message"
    assert info.value.trace == ("A->B: l1", "B receives l1 from A", "B->C: x", "C->B: z")
    assert (info.value.line, info.value.column) == (2, 3)


def test_exploration_reports_a_deadlock() -> None:
    """Two roles waiting for messages that never come is a deadlock, with its trace."""
    with pytest.raises(ExplorationError) as info:
        check_protocol(parse_protocol(DEADLOCK), by="explore")
    assert info.value.kind == "deadlock"
    assert info.value.trace[-1] == "C->B: v"


def test_exploration_keeps_the_language_rules() -> None:
    """A protocol that breaks a rule (unguarded loop) is refused before any exploration."""
    text = "protocol U(A, B) {\n  rec X {\n    continue X\n  }\n}\n"
    with pytest.raises(ProtocolError) as info:
        check_protocol(parse_protocol(text), by="explore")
    assert not isinstance(info.value, ExplorationError)


def test_exploration_unknown_method_is_refused() -> None:
    """``by`` other than merge or explore is a typed error naming the value."""
    with pytest.raises(ProtocolError, match="by='guess'"):
        check_protocol(parse_protocol(TWO_SENDERS), by="guess")  # type: ignore[call-overload]


@pytest.mark.parametrize("path", sorted(PROTOCOLS.glob("*.choreo")), ids=lambda p: p.stem)
def test_exploration_accepts_the_shipped_protocols(path: Path) -> None:
    """Every bundled protocol passes exploration with one automaton per role."""
    for p in load_protocols(path):
        assert set(check_protocol(p, by="explore")) == set(p.roles)


@settings(max_examples=40, deadline=None)
@given(choreographies())
def test_exploration_accepts_every_well_formed_protocol(p: Protocol) -> None:
    """Whatever the merge accepts, exploration accepts too (it is the weaker check)."""
    if not well_formed(p):
        event("refused")
        return
    try:
        automata = explore_endpoints(p, buffer_capacity=2, max_states=5_000)
    except ExplorationError as error:
        assert error.kind == "too many states", error
        event("too many states")
        return
    event("accepted")
    assert set(automata) == set(p.roles)


def test_exploration_cli_explore_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``aura-kit check --explore`` prints each role's automaton; an orphan exits 1 located."""
    good, bad = tmp_path / "good.choreo", tmp_path / "bad.choreo"
    good.write_text(TWO_SENDERS, encoding="utf-8")
    bad.write_text(ORPHAN, encoding="utf-8")
    assert main(["check", "--explore", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "protocol P: ok (3 roles, explored)"
    assert "  C    2 states  A?y, B?x" in out
    assert main(["check", "--explore", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{bad}:2:3: error: ExplorationError: protocol O: orphan message")
