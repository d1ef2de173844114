"""Checkers: each compares an answer with the kit's own oracle and says why in one line."""

from __future__ import annotations

import pytest

from aura_kit.lab import World
from aura_kit.machine import CodeImage, EventKind, ProtocolMachine, QueuedHandler
from aura_kit.protocol import (
    ProjectionError,
    ProtocolError,
    format_local,
    load_protocol,
    parse_local,
    project,
)
from aura_kit.teach import (
    EventPattern,
    ExerciseDefinitionError,
    global_type_is,
    local_type_is,
    local_type_of,
    message_order,
    raises_exactly,
    registry_is,
    sent_messages,
    trace_has,
    trace_lacks,
    type_diff,
)

TWO_BUYER = load_protocol("TwoBuyer")
SELLER = (
    "Buyer1?Title(str).Buyer1!Quote(int).Buyer2!Quote(int)"
    ".Buyer2?{Accept(str).Buyer2!Date(str).end, Reject.end}"
)


def test_checks_local_type_of_accepts_the_projection_in_any_branch_order() -> None:
    """The projection is right, as text or as a value, whatever the order of its branches."""
    check = local_type_of(TWO_BUYER, "Seller")
    assert check(SELLER).right
    assert check(project(TWO_BUYER, "Seller")).right
    swapped = SELLER.replace(
        "{Accept(str).Buyer2!Date(str).end, Reject.end}",
        "{Reject.end, Accept(str).Buyer2!Date(str).end}",
    )
    assert check(swapped).right


def test_checks_local_type_of_names_the_first_difference_and_its_rule() -> None:
    """A wrong answer names where it goes wrong, what was expected and the projection rule."""
    outcome = local_type_of(TWO_BUYER, "Buyer2")("Seller?Quote(int).Buyer1!Share(int).end")
    assert not outcome.right
    assert outcome.reason == (
        "after Seller?Quote(int): expected a receive, got a send "
        "(receive rule at Buyer1 -> Buyer2: Share(int))"
    )


def test_checks_local_type_of_refuses_text_that_does_not_parse_and_other_types() -> None:
    """Unparsable text and non-types are wrong answers with a reason, not exceptions."""
    check = local_type_of(TWO_BUYER, "Seller")
    assert "does not parse" in check("Buyer1?Title(str").reason
    assert not check(42).right


def test_checks_local_type_of_refuses_a_role_without_projection() -> None:
    """An exercise on a role that does not project is a definition error."""
    with pytest.raises(ExerciseDefinitionError):
        local_type_of(load_protocol("unmergeable_bystander"), "Observer")


def test_checks_local_types_equal_up_to_rec_names() -> None:
    """``rec X.A!m.X`` and ``rec Y.A!m.Y`` are the same type; a jump elsewhere is not."""
    assert local_type_is("rec X.A!m.X")("rec Y.A!m.Y").right
    outer = local_type_is("rec X.rec Y.A!{m.X, n.Y}")
    assert not outer("rec X.rec Y.A!{m.Y, n.Y}").right


def test_checks_type_diff_is_none_exactly_for_equal_types() -> None:
    """Every bundled projection has no difference with itself and one with a changed sort."""
    for name in ("TwoBuyer", "Adder", "Streaming", "AuthHandshake"):
        protocol = load_protocol(name)
        for role in protocol.roles:
            local = project(protocol, role)
            assert type_diff(parse_local(format_local(local)), local) is None
    diff = type_diff(parse_local("A!m(str).end"), parse_local("A!m(int).end"))
    assert diff is not None and diff.what == "m carries int, not str"


def test_checks_global_type_is_modulo_branch_order() -> None:
    """A protocol with its choice's branches swapped is the same global type."""
    text = "protocol P(A, B) {{ choice at A {{ A -> B: {0} }} or {{ A -> B: {1} }} }}"
    check = global_type_is(text.format("Yes", "No"))
    assert check(text.format("No", "Yes")).right
    assert (
        "expected labels {No, Yes}, got {Maybe, Yes}" in check(text.format("Maybe", "Yes")).reason
    )


def test_checks_raises_exactly_wants_that_class_and_details() -> None:
    """Exactly the class (a base class is not enough), with the attribute values asked for."""
    confused = load_protocol("unmergeable_bystander")
    call = lambda: project(confused, "Observer")  # noqa: E731
    assert raises_exactly(ProjectionError, role="Observer")(call).right
    assert "expected exactly ProtocolError" in raises_exactly(ProtocolError)(call).reason
    assert "role is 'Observer'" in raises_exactly(ProjectionError, role="Client")(call).reason
    assert "without raising" in raises_exactly(ProjectionError)(lambda: None).reason
    assert not raises_exactly(ProjectionError)("not a call").right


def _trace() -> tuple:
    machine = ProtocolMachine()
    machine.load(
        CodeImage.from_protocol(load_protocol("ping_pong")), handler=QueuedHandler([1, 2, 3])
    )
    machine.run()
    return machine.events


def test_checks_trace_predicates_over_machine_events() -> None:
    """``trace_has`` finds patterns in order; ``trace_lacks`` names the tick of a hit."""
    events = _trace()
    sender = sent_messages(events)[0].split("->")[0]
    assert trace_has(EventPattern(kind=EventKind.SENT, role=sender))(events).right
    assert not trace_has(EventPattern(kind=EventKind.FAULTED))(events).right
    lacks = trace_lacks(EventPattern(kind=EventKind.SENT))(events)
    assert not lacks.right and "at tick" in lacks.reason
    assert trace_has(EventPattern())("not events").reason.startswith("expected a sequence")


def test_checks_message_order_compares_the_sent_messages() -> None:
    """The messages in order are right; a swap names the first wrong position."""
    events = _trace()
    truth = list(sent_messages(events))
    assert message_order(events)(truth).right
    if len(truth) > 1 and truth[0] != truth[1]:
        swapped = [truth[1], truth[0], *truth[2:]]
        assert message_order(events)(swapped).reason.startswith("message 1 is not")
    assert not message_order(events)(truth[:-1]).right


def test_checks_registry_is_reads_owner_generation_scope_and_fragments() -> None:
    """After a transfer the registry says the new owner at generation 2; stated fields only."""
    world = World(TWO_BUYER, {"alice": "Buyer1", "bob": "Buyer2", "sam": "Seller"})
    world.open_all()
    world.transfer("Seller", "deputy")
    check = registry_is(world.effects("Seller"), world.session_id)
    assert check({"owner": "deputy", "generation": 2, "active": True, "scope": "session"}).right
    assert check({"owner": "Seller@sam"}).reason == "owner is not 'Seller@sam'"
    assert not check({"generation": 1}).right
    assert "unknown field" in check({"owner": "deputy", "colour": 1}).reason
    world.cancel("Seller")
    assert check({"active": False, "generation": 2, "fragments": set()}).right


def test_checks_type_diff_reads_a_nondirected_select_label_by_label() -> None:
    """Branch order does not count; a label sent to the wrong partner is named with both."""
    expected = parse_local("{B!x.end, C!y.end}")
    assert type_diff(parse_local("{C!y.end, B!x.end}"), expected) is None
    diff = type_diff(parse_local("B!{x.end, y.end}"), expected)
    assert diff is not None and diff.what == "expected y with C, got y with B"
