"""Tests of projection and merging."""

from __future__ import annotations

import pytest

from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    Mu,
    ProjectionError,
    Recv,
    Send,
    Sort,
    Var,
    format_local,
    load_protocol,
    merge_types,
    parse_local,
    parse_protocol,
    project,
    project_all,
    roles,
)
from tests.conftest import BUNDLED

U = Sort.UNIT


def proto(body: str, roles_: str = "A, B, C") -> str:
    """Wrap statements in a protocol header."""
    return f"protocol P({roles_}) {{\n{body}\n}}"


def test_projection_sender_and_receiver_views() -> None:
    """The sender sees a Send, the receiver a Recv, each branch projected."""
    g = Comm("A", "B", (Branch("X", Sort.INT, End()), Branch("Y", U, End())))
    assert project(g, "A") == Send("B", (Branch("X", Sort.INT, End()), Branch("Y", U, End())))
    assert project(g, "B") == Recv("A", (Branch("X", Sort.INT, End()), Branch("Y", U, End())))
    assert project(g, "C") == End()


def test_projection_two_buyer_matches_spec_example() -> None:
    """Buyer2 selects Accept or Reject; Buyer1 is unaffected by the choice."""
    p = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
    assert format_local(project(p, "Buyer2")) == (
        "Seller?Quote(int).Buyer1?Share(int).Seller!{Accept(str).Seller?Date(str).end, Reject.end}"
    )
    assert (
        format_local(project(p, "Buyer1"))
        == "Seller!Title(str).Seller?Quote(int).Buyer2!Share(int).end"
    )


def test_projection_mu_is_end_when_role_absent() -> None:
    """A role that occurs nowhere in a rec body gets end for the whole rec."""
    g = Mu("X", Comm("A", "B", (Branch("T", U, Var("X")),)))
    assert project(g, "C") == End()
    assert project(g, "A") == parse_local("rec X.B!T.X")


def test_projection_mu_is_end_when_body_has_no_communication() -> None:
    """A role in the body whose projected body talks to nobody gets end."""
    g = Mu(
        "X",
        Comm(
            "A",
            "B",
            (Branch("T", U, Var("X")), Branch("Q", U, Comm("A", "C", (Branch("Z", U, End()),)))),
        ),
    )
    # C sees only Var X merged with A?Z.end -> not mergeable, so pick a body where it is silent
    silent = Mu(
        "X", Comm("A", "B", (Branch("T", U, Mu("Y", Comm("A", "B", (Branch("U", U, Var("Y")),)))),))
    )
    assert project(silent, "C") == End()
    with pytest.raises(ProjectionError):
        project(g, "C")


def test_projection_full_merge_unions_receives_in_order() -> None:
    """A bystander merges receives from one partner; new labels follow in order."""
    text = proto(
        "choice at A {\n A -> B: L\n B -> C: One\n} or {\n A -> B: M\n B -> C: Two\n}"
        " or {\n A -> B: N\n B -> C: One\n}"
    )
    assert format_local(project(parse_protocol(text), "C")) == "B?{One.end, Two.end}"


def test_projection_full_merge_merges_shared_label_continuations() -> None:
    """A label in several branches needs one sort and merged continuations."""
    text = proto(
        "choice at A {\n A -> B: L\n B -> C: Go(int)\n B -> C: P\n}"
        " or {\n A -> B: M\n B -> C: Go(int)\n B -> C: Q\n}"
    )
    assert format_local(project(parse_protocol(text), "C")) == "B?Go(int).B?{P.end, Q.end}"


def test_projection_full_merge_rejects_sort_clash() -> None:
    """One label with two sorts does not merge."""
    text = proto(
        "choice at A {\n A -> B: L\n B -> C: Go(int)\n} or {\n A -> B: M\n B -> C: Go(str)\n}"
    )
    with pytest.raises(ProjectionError):
        project(parse_protocol(text), "C")


def test_projection_plain_merge_needs_identical_branches() -> None:
    """Plain merge refuses what full merge accepts, and accepts identical views."""
    p = load_protocol(BUNDLED / "protocols" / "streaming.choreo")
    assert (
        format_local(project(p, "Monitor"))
        == "rec Stream.Sink?{Progress(int).Sink!Seen.Stream, Finished.end}"
    )
    with pytest.raises(ProjectionError) as info:
        project(p, "Monitor", merge="plain")
    assert info.value.merge == "plain"
    same = proto("choice at A {\n A -> B: L\n B -> C: Z\n} or {\n A -> B: M\n B -> C: Z\n}")
    assert format_local(project(parse_protocol(same), "C", merge="plain")) == "B?Z.end"


def test_projection_error_names_role_choice_line_and_types() -> None:
    """A ProjectionError carries role, choice, labels, line and the two types."""
    p = load_protocol(BUNDLED / "protocols" / "bad" / "unmergeable_bystander.choreo")
    with pytest.raises(ProjectionError) as info:
        project_all(p)
    error = info.value
    assert (error.role, error.sender, error.receiver, error.labels) == (
        "Observer",
        "Client",
        "Server",
        ("Left", "Right"),
    )
    assert (error.line, error.column) == (4, 3)
    assert error.left == parse_local("Client?Note(int).end")
    assert error.right == parse_local("Server?Note(int).end")
    assert "Observer" in error.message and "line 4" in error.message


def test_projection_error_without_protocol_has_no_line() -> None:
    """Projecting a bare global type gives line 0 and the '<global type>' source."""
    g = Comm(
        "A", "B", (Branch("L", U, Comm("A", "C", (Branch("Z", U, End()),))), Branch("R", U, End()))
    )
    with pytest.raises(ProjectionError) as info:
        project(g, "C")
    assert (info.value.source, info.value.line) == ("<global type>", 0)


def test_projection_mu_bodies_merge() -> None:
    """Two recs on one variable merge their bodies."""
    a = parse_local("rec X.B?{P.X}")
    b = parse_local("rec X.B?{Q.X}")
    assert merge_types(a, b) == parse_local("rec X.B?{P.X, Q.X}")
    with pytest.raises(ValueError, match="do not full-merge"):
        merge_types(parse_local("B!P.end"), parse_local("B!Q.end"))


def test_projection_project_all_roles_and_order() -> None:
    """project_all covers declared roles of a Protocol, or roles(g) in first-appearance order."""
    p = parse_protocol("protocol P(Z, A, Idle) { A -> Z: Hi }")
    assert list(project_all(p)) == ["Z", "A", "Idle"]
    assert project_all(p)["Idle"] == End()
    assert roles(p.global_type) == ("A", "Z")
    assert list(project_all(p.global_type)) == ["A", "Z"]


def test_projection_unknown_merge_is_refused() -> None:
    """An unknown merge name is a ValueError."""
    with pytest.raises(ValueError):
        project(End(), "A", merge="fancy")


def test_projection_loop_exit_falls_through() -> None:
    """The adder's exit branch continues with the goodbye after the loop."""
    p = load_protocol(BUNDLED / "protocols" / "adder.choreo")
    assert format_local(project(p, "Client")) == (
        "rec Loop.Server!{Add(int).Server!Operand(int).Server?Sum(int).Loop, Quit.Server?Bye.end}"
    )


def test_projection_bare_global_type_of_a_protocol_is_located() -> None:
    """project(protocol.global_type, role) names the source, line and column of the choice."""
    path = BUNDLED / "protocols" / "bad" / "unmergeable_bystander.choreo"
    p = load_protocol(path)
    with pytest.raises(ProjectionError) as info:
        project(p.global_type, "Observer")
    error = info.value
    assert (error.source, error.line, error.column) == (str(path), 4, 3)
    assert str(error).startswith(f"{path}:4:3: cannot project onto 'Observer'")


def test_projection_inner_loop_jumping_out_keeps_the_role() -> None:
    """A role of the outer loop occurs in an inner loop that can jump back to it."""
    g = Mu("X", Comm("C", "A", (Branch("c", U, Mu("Y", Comm("A", "B", (
        Branch("m", U, Comm("A", "C", (Branch("y", U, Var("Y")),))),
        Branch("n", U, Comm("A", "C", (Branch("z", U, Var("X")),))),
    )))),)))  # fmt: skip
    assert format_local(project(g, "C")) == "rec X.A!c.rec Y.A?{y.Y, z.X}"


def test_projection_silent_body_is_its_outer_jump() -> None:
    """A rec body that, for the role, is only a jump to an outer loop projects to that jump."""
    g = Mu(
        "X", Comm("C", "A", (Branch("c", U, Mu("Y", Comm("A", "B", (Branch("m", U, Var("X")),)))),))
    )
    assert project(g, "C") == parse_local("rec X.A!c.X")
    assert project(g, "B") == parse_local("rec X.rec Y.A?m.X")


def test_projection_bystander_absent_from_a_loop_that_exits_to_end() -> None:
    """A role that takes no part in a loop with no outer jump gets end for it (kept by the rule)."""
    p = parse_protocol(
        proto("C -> A: hi\nrec L { choice at A { A -> B: more; continue L } or { A -> B: stop } }")
    )
    assert format_local(project(p, "C")) == "A!hi.end"
