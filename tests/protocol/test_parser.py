"""Tests of the .choreo parser and printer."""

from __future__ import annotations

import pytest

from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    Mu,
    Protocol,
    ProtocolDefinitionError,
    ProtocolError,
    ProtocolSyntaxError,
    Sort,
    Var,
    format_protocol,
    load_protocol,
    parse_protocol,
    parse_protocols,
)
from tests.conftest import BUNDLED

TWO_BUYER = (BUNDLED / "protocols" / "two_buyer.choreo").read_text()


def msg(p: str, q: str, label: str, cont: object = End(), sort: Sort = Sort.UNIT) -> Comm:
    """A one-branch message, for expected values."""
    return Comm(p, q, (Branch(label, sort, cont),))  # type: ignore[arg-type]


def test_parser_two_buyer_structure() -> None:
    """The two-buyer example parses to nested messages ending in one two-branch choice."""
    p = parse_protocol(TWO_BUYER)
    assert p.name == "TwoBuyer"
    assert p.roles == ("Buyer1", "Buyer2", "Seller")
    choice = Comm(
        "Buyer2",
        "Seller",
        (
            Branch("Accept", Sort.STR, msg("Seller", "Buyer2", "Date", sort=Sort.STR)),
            Branch("Reject", Sort.UNIT, End()),
        ),
    )
    share = msg("Buyer1", "Buyer2", "Share", choice, Sort.INT)
    quote2 = msg("Seller", "Buyer2", "Quote", share, Sort.INT)
    quote1 = msg("Seller", "Buyer1", "Quote", quote2, Sort.INT)
    assert p.global_type == msg("Buyer1", "Seller", "Title", quote1, Sort.STR)


def test_parser_choice_branches_fall_through() -> None:
    """Each choice branch continues with the statements after the choice."""
    p = parse_protocol(
        "protocol P(A, B) {\n choice at A { A -> B: L } or { A -> B: R; B -> A: X }\n"
        " B -> A: Done\n}"
    )
    done = msg("B", "A", "Done")
    assert p.global_type == Comm(
        "A", "B", (Branch("L", Sort.UNIT, done), Branch("R", Sort.UNIT, msg("B", "A", "X", done)))
    )


def test_parser_rec_body_falls_through_to_exit() -> None:
    """A rec body falls through to what follows the rec (the loop exit)."""
    p = parse_protocol(
        "protocol P(A, B) { rec L { choice at A { A -> B: More; continue L } or { A -> B: Quit } }"
        "\n B -> A: Bye }"
    )
    body = Comm(
        "A",
        "B",
        (Branch("More", Sort.UNIT, Var("L")), Branch("Quit", Sort.UNIT, msg("B", "A", "Bye"))),
    )
    assert p.global_type == Mu("L", body)


def test_parser_semicolons_comments_and_newlines_around_or() -> None:
    """';' separates statements, comments are ignored, 'or' may sit on its own line."""
    p = parse_protocol(
        "// head\nprotocol P(A,B)\n{ A -> B: X(); B -> A: Y(unit) // tail\n"
        "choice at A {\n A -> B: L\n}\nor\n{\n A -> B: R\n}\n}\n"
    )
    tail = Comm("A", "B", (Branch("L", Sort.UNIT, End()), Branch("R", Sort.UNIT, End())))
    assert p.global_type == msg("A", "B", "X", msg("B", "A", "Y", tail))


def test_parser_explicit_end_stops_the_branch() -> None:
    """'end' in a branch ends it instead of falling through."""
    p = parse_protocol(
        "protocol P(A,B) { choice at A { A -> B: L; end } or { A -> B: R }\n B -> A: Z }"
    )
    assert p.global_type == Comm(
        "A", "B", (Branch("L", Sort.UNIT, End()), Branch("R", Sort.UNIT, msg("B", "A", "Z")))
    )


def test_parser_positions_record_lines() -> None:
    """Every Comm and Mu has its (line, column) by path."""
    p = parse_protocol(TWO_BUYER)
    assert p.position(()) == (3, 3)
    assert p.position((0, 0, 0, 0)) == (7, 3)
    assert p.position((9,)) == (0, 0)


def test_parser_parse_protocol_rejects_two() -> None:
    """parse_protocol wants exactly one protocol; parse_protocols takes several."""
    text = "protocol P(A,B) { A -> B: X }\nprotocol Q(A,B) { B -> A: Y }\n"
    with pytest.raises(ProtocolSyntaxError) as info:
        parse_protocol(text)
    assert (info.value.line, info.value.column) == (2, 1)
    assert [p.name for p in parse_protocols(text)] == ["P", "Q"]


def test_parser_parse_protocols_rejects_duplicate_names() -> None:
    """Two protocols with one name in a file are a definition error."""
    with pytest.raises(ProtocolDefinitionError, match="duplicate protocol 'P'"):
        parse_protocols("protocol P(A,B) {}\nprotocol P(A,B) {}")


def test_parser_error_carries_place_and_expectation() -> None:
    """A syntax error names source, line, column, the text found and what was expected."""
    with pytest.raises(ProtocolSyntaxError) as info:
        parse_protocol("protocol P(A, B) {\n  A -> B Ping\n}", source="x.choreo")
    error = info.value
    assert (error.source, error.line, error.column) == ("x.choreo", 2, 10)
    assert error.text == "Ping"
    assert error.expected == "':'"
    assert str(error).startswith("x.choreo:2:10: expected ':'")
    assert isinstance(error, ProtocolError)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected 'protocol'"),
        ("protocol P(A, B) { A -> B: X $ }", r"unexpected character '\$'"),
        ("protocol P(A, end) {}", "expected a role name"),
        ("protocol P(A, B) { rec X { A -> B: M }\n rec X { A -> B: N; continue X } }", None),
    ],
)
def test_parser_small_syntax_cases(text: str, fragment: str | None) -> None:
    """Empty input, stray characters and keyword names fail; sequential recs may share a name."""
    if fragment is None:
        assert parse_protocol(text).global_type.var == "X"  # type: ignore[union-attr]
        return
    with pytest.raises(ProtocolSyntaxError, match=fragment):
        parse_protocol(text)


def test_parser_rec_capturing_outer_continue_is_refused() -> None:
    """A later 'continue X' of an outer rec may not be captured by an inner rec X."""
    text = (
        "protocol P(A, B) { rec X { A -> B: M\n rec X { choice at A { A -> B: Again; continue X }"
        " or { A -> B: Out } }\n A -> B: N\n continue X } }"
    )
    with pytest.raises(ProtocolDefinitionError, match="capture") as info:
        parse_protocol(text)
    assert info.value.line == 2


def test_parser_unreachable_after_terminating_choice() -> None:
    """A statement after a choice whose branches all 'continue' is unreachable."""
    text = (
        "protocol P(A,B) { rec L { choice at A { A -> B: X; continue L } or { A -> B: Y; end }"
        "\n B -> A: Z } }"
    )
    with pytest.raises(ProtocolDefinitionError, match="unreachable") as info:
        parse_protocol(text)
    assert (info.value.line, info.value.column) == (2, 2)


def test_parser_format_round_trips_data_files() -> None:
    """format_protocol prints text that parses back to an equal protocol."""
    for path in sorted((BUNDLED / "protocols").glob("*.choreo")):
        p = load_protocol(path)
        again = parse_protocol(format_protocol(p))
        assert (again.name, again.roles, again.global_type) == (p.name, p.roles, p.global_type)


def test_parser_format_empty_and_loop() -> None:
    """An empty protocol prints an empty block; loops print as rec/continue."""
    assert format_protocol(Protocol("E", ("A",), End())) == "protocol E(A) {\n}\n"
    loop = Protocol("L", ("A", "B"), Mu("X", msg("A", "B", "Tick", Var("X"), Sort.INT)))
    assert format_protocol(loop) == (
        "protocol L(A, B) {\n  rec X {\n    A -> B: Tick(int)\n    continue X\n  }\n}\n"
    )


def test_parser_load_protocol_uses_path_as_source() -> None:
    """load_protocol records the file path as the source."""
    path = BUNDLED / "protocols" / "ping_pong.choreo"
    assert load_protocol(path).source == str(path)


def test_parser_protocol_value_semantics() -> None:
    """Protocols compare and hash by structure (not positions) and survive copy and pickle."""
    import copy
    import pickle

    p = parse_protocol(TWO_BUYER)
    shifted = parse_protocol("\n\n" + TWO_BUYER)
    assert p == shifted and hash(p) == hash(shifted)
    assert p.position(()) != shifted.position(())
    assert copy.deepcopy(p).positions == p.positions
    assert pickle.loads(pickle.dumps(p)).position(()) == (3, 3)


def test_parser_keyword_labels_are_labels() -> None:
    """A label may be a keyword: 'A -> B: end' is a message, and the printer writes it back."""
    text = "protocol P(A, B) {\n  A -> B: end\n  B -> A: continue(int)\n  A -> B: rec\n}\n"
    p = parse_protocol(text)
    assert p.global_type == msg(
        "A", "B", "end", msg("B", "A", "continue", msg("A", "B", "rec"), Sort.INT)
    )
    assert format_protocol(p) == text


def test_parser_keyword_label_in_a_choice() -> None:
    """Keyword labels open choice branches too."""
    p = parse_protocol("protocol P(A, B) { choice at A { A -> B: or } or { A -> B: choice } }")
    assert [b.label for b in p.global_type.branches] == ["or", "choice"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "fragment", "place"),
    [
        ("protocol P(A, B) {\n  loop L {\n    A -> B: x\n  }\n}", "did you mean 'rec'?", (2, 3)),
        ("protocol P(A, B) { chioce at A { A -> B: x } or { A -> B: y } }", "'choice'", (1, 20)),
        ("protocol P(A, B) { contineu L }", "did you mean 'continue'?", (1, 20)),
        ("protocl P(A, B) { A -> B: x }", "found 'protocl': did you mean 'protocol'?", (1, 1)),
        ("protocol P(A, B) { choice at A { A -> B: x } else { A -> B: y } }", "'or'", (1, 46)),
    ],
)
def test_parser_near_miss_keyword_is_suggested(
    text: str, fragment: str, place: tuple[int, int]
) -> None:
    """A word that stands for a keyword (loop, a typo, else) names the keyword meant."""
    with pytest.raises(ProtocolSyntaxError) as info:
        parse_protocol(text)
    assert fragment in info.value.message
    assert (info.value.line, info.value.column) == place


def test_parser_role_named_like_a_keyword_synonym_still_sends() -> None:
    """A role called 'loop' still sends: a suggestion is only made when no '->' follows."""
    p = parse_protocol("protocol P(loop, B) { loop -> B: x }")
    assert p.global_type == msg("loop", "B", "x")


def test_parser_choice_messages_say_what_was_expected() -> None:
    """A branch that does not open with a message from the chooser names the chooser."""
    with pytest.raises(ProtocolDefinitionError) as info:
        parse_protocol("protocol P(A, B) { choice at A { A -> B: x } or { end } }")
    assert info.value.message == (
        "every branch of 'choice at A' must start with a message from A; "
        "this branch starts with 'end'"
    )


def test_parser_choice_to_different_receivers_is_built() -> None:
    """Branches opening with messages to different receivers parse (projection judges them)."""
    p = parse_protocol("protocol P(A, B, C) { choice at A { A -> B: x } or { A -> C: y } }")
    assert p.global_type == Comm(
        "A", "B", (Branch("x", Sort.UNIT, End()), Branch("y", Sort.UNIT, End(), "C"))
    )


def test_parser_wrong_sender_in_first_branch_names_the_chooser() -> None:
    """A first branch opened by the wrong sender names the chooser and that sender."""
    text = (
        "protocol P(Client, Server) {\n  choice at Client {\n    Server -> Client: x\n"
        "  } or {\n    Client -> Server: y\n  }\n}"
    )
    with pytest.raises(ProtocolDefinitionError) as info:
        parse_protocol(text)
    assert info.value.message == (
        "every branch of 'choice at Client' must start with a message from Client; "
        "this branch starts with a message from 'Server'"
    )
    assert (info.value.line, info.value.column) == (3, 5)


def test_parser_unreachable_after_endless_loop_says_why() -> None:
    """A statement after a loop that never exits is unreachable, and the message says why."""
    with pytest.raises(ProtocolDefinitionError) as info:
        parse_protocol("protocol P(A, B) { rec L { A -> B: x; continue L }\n B -> A: y }")
    assert info.value.message.startswith("unreachable statement: the loop 'rec L' above never")
    assert (info.value.line, info.value.column) == (2, 2)


def test_parser_misspelt_role_and_loop_get_a_suggestion() -> None:
    """An undeclared role or unbound continue close to a known name suggests it."""
    with pytest.raises(ProtocolDefinitionError, match=r"'Clinet' \(did you mean 'Client'\?\)"):
        parse_protocol("protocol P(Client, Server) { Clinet -> Server: x }")
    with pytest.raises(ProtocolDefinitionError, match=r"did you mean 'Loop'\?"):
        parse_protocol("protocol P(A, B) { rec Loop { A -> B: x; continue Lopo } }")


def test_parser_nodes_carry_their_place_outside_equality() -> None:
    """Comm and Mu nodes carry source, line and column; equal types still compare equal."""
    p = parse_protocol("protocol P(A, B) {\n  rec X {\n    A -> B: x\n    continue X\n  }\n}", "f")
    g = p.global_type
    assert g.place == ("f", 2, 3)  # type: ignore[union-attr]
    assert g.body.place == ("f", 3, 5)  # type: ignore[union-attr]
    assert g == Mu("X", msg("A", "B", "x", Var("X"))) and hash(g) == hash(
        Mu("X", msg("A", "B", "x", Var("X")))
    )
