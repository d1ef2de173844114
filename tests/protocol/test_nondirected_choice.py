"""Non-directed choice: a choice whose branches open with messages to different receivers.

Every expected local type below is reasoned by hand from the projection rules: the chooser
gets a select whose branches name their own partners; every other role merges its view of
each branch (the opening receive when it is that branch's receiver, else its projection).
"""

from __future__ import annotations

import pytest

from aura_kit.machine import (
    CodeImage,
    EventKind,
    ProtocolMachine,
    QueuedHandler,
    StepResult,
    conforms,
    explore,
)
from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    ProjectionError,
    Protocol,
    ProtocolDefinitionError,
    Recv,
    Send,
    Sort,
    check_protocol,
    dual,
    format_local,
    format_protocol,
    is_directed,
    local_fsm,
    parse_local,
    parse_protocol,
    parse_protocols,
    peer_of,
    peers,
    project,
    project_all,
)
from aura_kit.view.sequence import protocol_sequence_view

FORK = """protocol Fork(A, B, C) {
  choice at A {
    A -> B: Left(int)
    A -> C: Tell
  } or {
    A -> C: Right(str)
    A -> B: Tell2
  }
}
"""

THREE = """protocol Three(A, B, C, D) {
  choice at A {
    A -> B: ToB
    A -> C: NotC1
    A -> D: NotD1
  } or {
    A -> C: ToC(int)
    A -> B: NotB2
    A -> D: NotD2
  } or {
    A -> D: ToD(str)
    A -> B: NotB3
    A -> C: NotC3
  }
  B -> A: Done
}
"""

POLL = """protocol Poll(A, B, C) {
  rec X {
    choice at A {
      A -> B: AskB(int)
      B -> A: Answer(int)
      A -> C: Skip
      continue X
    } or {
      A -> C: AskC(str)
      C -> A: Reply(str)
      A -> B: Quit
    }
  }
}
"""

RELAY = """protocol Relay(A, B, C, D) {
  choice at A {
    A -> B: Buy(int)
    A -> C: Note
    B -> D: Ship
  } or {
    A -> C: Sell(str)
    A -> B: Note2
    B -> D: Hold
  }
}
"""

NEST = """protocol Nest(A, B, C) {
  choice at A {
    choice at A {
      A -> B: One
      A -> C: One_C
    } or {
      A -> C: Two
      A -> B: Two_B
    }
  } or {
    A -> B: Three
    A -> C: Three_C
  }
  B -> C: Fin
}
"""

EXPECTED = {
    FORK: {
        "A": "{B!Left(int).C!Tell.end, C!Right(str).B!Tell2.end}",
        "B": "A?{Left(int).end, Tell2.end}",
        "C": "A?{Tell.end, Right(str).end}",
    },
    THREE: {
        "A": (
            "{B!ToB.C!NotC1.D!NotD1.B?Done.end, C!ToC(int).B!NotB2.D!NotD2.B?Done.end, "
            "D!ToD(str).B!NotB3.C!NotC3.B?Done.end}"
        ),
        "B": "A?{ToB.A!Done.end, NotB2.A!Done.end, NotB3.A!Done.end}",
        "C": "A?{NotC1.end, ToC(int).end, NotC3.end}",
        "D": "A?{NotD1.end, NotD2.end, ToD(str).end}",
    },
    POLL: {
        "A": "rec X.{B!AskB(int).B?Answer(int).C!Skip.X, C!AskC(str).C?Reply(str).B!Quit.end}",
        "B": "rec X.A?{AskB(int).A!Answer(int).X, Quit.end}",
        "C": "rec X.A?{Skip.X, AskC(str).A!Reply(str).end}",
    },
    RELAY: {
        "A": "{B!Buy(int).C!Note.end, C!Sell(str).B!Note2.end}",
        "B": "A?{Buy(int).D!Ship.end, Note2.D!Hold.end}",
        "C": "A?{Note.end, Sell(str).end}",
        "D": "B?{Ship.end, Hold.end}",
    },
    NEST: {
        "A": "{B!One.C!One_C.end, C!Two.B!Two_B.end, B!Three.C!Three_C.end}",
        "B": "A?{One.C!Fin.end, Two_B.C!Fin.end, Three.C!Fin.end}",
        "C": "A?{One_C.B?Fin.end, Two.B?Fin.end, Three_C.B?Fin.end}",
    },
}
ACCEPTED = list(EXPECTED)
NAMES = ["fork", "three", "poll", "relay", "nest"]

# For each accepted example, label sequences a driver picks so that every branch is taken.
RUNS = {
    FORK: [["Left"], ["Right"]],
    THREE: [["ToB"], ["ToC"], ["ToD"]],
    POLL: [["AskC"], ["AskB", "AskB", "AskC"]],
    RELAY: [["Buy"], ["Sell"]],
    NEST: [["One"], ["Two"], ["Three"]],
}


def refusal(text: str) -> ProjectionError:
    """The projection error ``text`` is refused with."""
    with pytest.raises(ProjectionError) as info:
        check_protocol(parse_protocol(text, source="nd.choreo"))
    return info.value


def test_nondirected_fork_global_type_has_a_peer_per_branch() -> None:
    """The Fork choice is one Comm whose second branch names its own receiver, C."""
    g = parse_protocol(FORK).global_type
    assert isinstance(g, Comm) and not is_directed(g)
    assert peers(g) == ("B", "C")
    assert g.branches[0].peer is None and g.branches[1].peer == "C"


@pytest.mark.parametrize("text", ACCEPTED, ids=NAMES)
def test_nondirected_projections_are_the_ones_reasoned_by_hand(text: str) -> None:
    """Every role's local type is the one worked out by hand from the rules."""
    p = parse_protocol(text)
    assert {r: format_local(t) for r, t in check_protocol(p).items()} == EXPECTED[text]


@pytest.mark.parametrize("text", ACCEPTED, ids=NAMES)
def test_nondirected_local_types_round_trip_through_the_notation(text: str) -> None:
    """format_local then parse_local gives back every projection, non-directed selects too."""
    for local in project_all(parse_protocol(text)).values():
        assert parse_local(format_local(local)) == local


@pytest.mark.parametrize("text", ACCEPTED, ids=NAMES)
def test_nondirected_choreo_and_scribble_round_trips_give_equal_types(text: str) -> None:
    """.choreo -> Protocol -> .choreo, and -> Scribble -> import, give the same global type."""
    p = parse_protocol(text)
    assert parse_protocol(format_protocol(p)).global_type == p.global_type
    scribble = format_protocol(p, syntax="scribble")
    (back,) = parse_protocols(scribble, syntax="scribble")
    assert back.global_type == p.global_type


@pytest.mark.parametrize("text", ACCEPTED, ids=NAMES)
def test_nondirected_examples_explore_without_deadlock_or_orphan(text: str) -> None:
    """Every schedule of the machine and the merge-free exploration find nothing wrong."""
    p = parse_protocol(text)
    result = explore(CodeImage.from_protocol(p))
    assert result.complete
    assert (len(result.deadlocks), len(result.orphans)) == (0, 0)
    assert set(check_protocol(p, by="explore")) == set(p.roles)


def _run(p: Protocol, picks: list[str]) -> ProtocolMachine:
    """The machine run of ``p`` whose selects take ``picks`` in order."""
    queue = iter(picks)
    asked: list[str] = []

    def choose(session: int, role: str, to_role: str, offered: tuple[str, ...]) -> str:
        asked.append(to_role)
        return next(queue)

    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(p), handler=QueuedHandler(fallback=True, choose=choose))
    assert machine.run(500) is StepResult.ALL_DONE
    assert asked == [""] * len(picks)  # every select here is non-directed: no single partner
    return machine


@pytest.mark.parametrize("text", ACCEPTED, ids=NAMES)
def test_nondirected_machine_runs_every_branch_to_completion(text: str) -> None:
    """With a driver choosing each branch, every role finishes and the run conforms."""
    p = parse_protocol(text)
    for picks in RUNS[text]:
        machine = _run(p, picks)
        halted = {e.role for e in machine.events if e.kind is EventKind.HALTED}
        assert halted == set(p.roles)
        assert conforms(p.global_type, machine.events)


def test_nondirected_machine_sends_the_chosen_label_to_its_own_partner() -> None:
    """Choosing Right sends it to C, not to B (the first branch's receiver)."""
    machine = _run(parse_protocol(FORK), ["Right"])
    sends = [(e.role, e.peer, e.label) for e in machine.events if e.kind is EventKind.SELECTED]
    assert sends == [("A", "C", "Right")]


def test_nondirected_automaton_has_one_state_with_sends_to_two_partners() -> None:
    """The chooser's endpoint automaton leaves state 0 by B!Left(int) and by C!Right(str)."""
    fsm = local_fsm(project(parse_protocol(FORK), "A"))
    assert [t.action for t in fsm.outgoing(0)] == ["B!Left(int)", "C!Right(str)"]


def test_nondirected_refused_when_a_role_learns_from_different_senders() -> None:
    """C would hear the branch from B in one branch and from A in the other: refused."""
    error = refusal(
        "protocol Bad(A, B, C) {\n  choice at A {\n    A -> B: Left\n    B -> C: Tell\n"
        "  } or {\n    A -> C: Right\n    A -> B: Tell2\n  }\n}\n"
    )
    assert (error.role, error.line, error.column) == ("C", 2, 3)
    assert error.peers == ("B", "C")
    assert error.message.endswith(
        "C would learn which branch was taken from B in branch 'Left' but from A in branch "
        "'Right' (a role must learn the branch from one sender)"
    )
    assert "choice A -> {B: Left, C: Right} at line 2" in error.message


def test_nondirected_refused_when_a_role_learns_in_one_branch_only() -> None:
    """B is told in the Left branch and not in the Right one, where it does less: refused."""
    error = refusal(
        "protocol Bad(A, B, C) {\n  choice at A {\n    A -> B: Left\n    A -> C: Tell\n"
        "  } or {\n    A -> C: Right\n  }\n}\n"
    )
    assert (error.role, error.line, error.column) == ("B", 2, 3)
    assert error.message.endswith(
        "B learns which branch was taken from A in branch 'Left' but is not told in branch "
        "'Right', where it acts differently"
    )


def test_nondirected_refused_for_a_label_repeated_across_receivers() -> None:
    """Labels of the opening messages stay distinct even when they go to different roles."""
    with pytest.raises(ProtocolDefinitionError) as info:
        parse_protocol(
            "protocol Bad(A, B, C) {\n  choice at A {\n    A -> B: Go\n  } or {\n"
            "    A -> C: Go\n  }\n}\n",
            source="nd.choreo",
        )
    assert info.value.message == "duplicate label 'Go' in choice"
    assert (info.value.line, info.value.column) == (5, 13)


def test_nondirected_send_prefix_merge_stays_sound_on_a_common_send() -> None:
    """Under send-prefix, a bystander sending one message in both branches and learning the
    branch afterwards merges (full merge refuses it), and every schedule runs safely."""
    text = (
        "protocol P(A, B, C, D) {\n  choice at A {\n    A -> B: l1\n    A -> C: t1\n"
        "    D -> A: m\n    A -> D: k1\n  } or {\n    A -> C: l2\n    A -> B: t2\n"
        "    D -> A: m\n    A -> D: k2\n  }\n}\n"
    )
    p = parse_protocol(text)
    with pytest.raises(ProjectionError):
        project(p, "D")
    assert format_local(project(p, "D", merge="send-prefix")) == "A!m.A?{k1.end, k2.end}"
    result = explore(CodeImage.from_protocol(p, merge="send-prefix"))
    assert (len(result.deadlocks), len(result.orphans)) == (0, 0)


def test_nondirected_local_notation_refuses_a_receive_in_braces() -> None:
    """Braces that open a type hold sends only: a role learns a branch from one sender."""
    with pytest.raises(Exception, match="expected '!', found '\\?'"):
        parse_local("{B?a.end, C!b.end}")


def test_nondirected_select_to_one_partner_reads_as_a_directed_one() -> None:
    """``{B!a.end, B!b.end}`` is the select ``B!{a.end, b.end}`` and prints that way."""
    t = parse_local("{B!a.end, B!b.end}")
    assert t == Send("B", (Branch("a", Sort.UNIT, End()), Branch("b", Sort.UNIT, End())))
    assert format_local(t) == "B!{a.end, b.end}"


def test_nondirected_dual_is_refused() -> None:
    """dual is for two-party types; a select to two partners is refused with ValueError."""
    with pytest.raises(ValueError, match="two-party"):
        dual(parse_local("{B!a.end, C!b.end}"))


def test_nondirected_canonical_form_is_checked_when_a_node_is_built() -> None:
    """A peer on the first branch, a peer equal to the node's, or on a receive is refused."""
    with pytest.raises(ValueError):
        Comm("A", "B", (Branch("x", Sort.UNIT, End(), "C"),))
    with pytest.raises(ValueError):
        Send("B", (Branch("x", Sort.UNIT, End()), Branch("y", Sort.UNIT, End(), "B")))
    with pytest.raises(ValueError):
        Recv("B", (Branch("x", Sort.UNIT, End()), Branch("y", Sort.UNIT, End(), "C")))


def test_nondirected_peer_takes_part_in_equality_and_hash() -> None:
    """Two selects that differ only in a branch's partner are different types."""
    to_b = Send("B", (Branch("x", Sort.UNIT, End()), Branch("y", Sort.UNIT, End())))
    to_c = Send("B", (Branch("x", Sort.UNIT, End()), Branch("y", Sort.UNIT, End(), "C")))
    assert to_b != to_c and hash(to_b) != hash(to_c)
    assert peer_of(to_c, to_c.branches[1]) == "C"


def test_nondirected_sequence_view_draws_each_branch_to_its_receiver() -> None:
    """The global sequence diagram's arrows go A->B for Left and A->C for Right."""
    view = protocol_sequence_view(parse_protocol(FORK))
    arrows = [(a.sender, a.receiver, a.label) for a in view.arrows]
    assert arrows[:1] == [("A", "B", "Left")]
    assert ("A", "C", "Right") in arrows and ("A", "B", "Right") not in arrows
