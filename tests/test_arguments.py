"""Wrong kinds of argument to public entry points are typed refusals, not deep crashes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aura_kit.arguments import WrongArgumentType, check_type
from aura_kit.errors import AuraKitError
from aura_kit.lab import World
from aura_kit.machine import CodeImage, ProtocolMachine, explore
from aura_kit.numbers import InvalidNumber
from aura_kit.ownership import ChoreographicRole
from aura_kit.protocol import (
    ProtocolSyntaxError,
    check_global,
    check_protocol,
    dual,
    format_local,
    load_protocol,
    parse_local,
    parse_protocol,
    parse_protocols,
    project,
    project_all,
)
from aura_kit.protocol.types import End

PING_PONG = load_protocol("PingPong")
IMAGE = CodeImage.from_protocol(PING_PONG)

CALLS: list[tuple[str, Callable[[], Any]]] = [
    ("parse_local text", lambda: parse_local(5)),
    ("parse_local source", lambda: parse_local("end", source=None)),
    ("parse_protocol text", lambda: parse_protocol(None)),
    ("parse_protocols text", lambda: parse_protocols(b"protocol P(A, B) {}")),
    ("format_local t", lambda: format_local(3)),
    ("dual t", lambda: dual("A!m.end")),
    ("project g", lambda: project("A -> B: m", "A")),
    ("project role", lambda: project(PING_PONG, 1)),
    ("project_all g", lambda: project_all({"A": End()})),
    ("check_global g", lambda: check_global(None)),
    ("check_protocol protocol", lambda: check_protocol(PING_PONG.global_type)),
    ("CodeImage global_type", lambda: CodeImage(1, {})),
    ("CodeImage local_types", lambda: CodeImage(End(), [("A", End())])),
    ("CodeImage local_types['A']", lambda: CodeImage(End(), {"A": "end"})),
    ("load image", lambda: ProtocolMachine().load(PING_PONG)),
    ("load local_roles", lambda: ProtocolMachine().load(IMAGE, local_roles="Client")),
    ("explore image", lambda: explore(PING_PONG)),
    ("World protocol", lambda: World("PingPong", {"c": "Client", "s": "Server"})),
    ("World authorities", lambda: World(PING_PONG, [("c", "Client"), ("s", "Server")])),
    ("ChoreographicRole authority", lambda: ChoreographicRole(7, 0)),
]


@pytest.mark.parametrize(("place", "call"), CALLS, ids=[place for place, _ in CALLS])
def test_arguments_wrong_kind_is_a_typed_refusal_naming_the_place(
    place: str, call: Callable[[], Any]
) -> None:
    """Each public entry point refuses a wrong kind with ``WrongArgumentType`` at its place."""
    with pytest.raises(WrongArgumentType) as caught:
        call()
    assert caught.value.place == place
    assert isinstance(caught.value, AuraKitError) and isinstance(caught.value, TypeError)


def test_arguments_choreographic_role_refuses_a_bool_index() -> None:
    """``ChoreographicRole("a", True)`` is refused: a bool is not a role index."""
    with pytest.raises(InvalidNumber, match="role_index"):
        ChoreographicRole("a", True)
    assert ChoreographicRole("a", 1).role_index == 1


@pytest.mark.parametrize("text", ["X", "A!m.X", "rec X.A?{a.X, b.Y}"])
def test_arguments_parse_local_refuses_an_open_type(text: str) -> None:
    """A recursion name no enclosing ``rec`` binds is a located syntax error."""
    with pytest.raises(ProtocolSyntaxError, match="unbound recursion name"):
        parse_local(text)


def test_arguments_parse_local_still_reads_closed_recursion() -> None:
    """A bound name still parses and prints back."""
    assert format_local(parse_local("rec X.A!m.X")) == "rec X.A!m.X"


def test_arguments_check_type_refuses_bool_for_int_and_keeps_good_values() -> None:
    """``check_type`` returns a good value unchanged and refuses a bool where an int is asked."""
    assert check_type("n", 3, int, "an int") == 3
    with pytest.raises(WrongArgumentType, match="n is a bool"):
        check_type("n", True, int, "an int")
