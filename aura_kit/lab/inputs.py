"""What the explorer accepts from a user: payload text and choice labels.

Invariants:
- payload text that parses as JSON is queued as it is; any other non-empty text is queued as a
  JSON string; empty text is refused with ``InvalidPayload`` (nothing is queued);
- ``payload_for_send`` checks the text against the sort of the send that will carry it (the
  next send with a payload after those already queued, on any path the role may take) and
  refuses a value of another sort with ``InvalidPayload`` naming the role, the message and
  the sort; ``bytes`` takes the text's UTF-8 bytes as they are;
- a role may queue only a label it can select somewhere in its local type (a send with more
  than one branch).
"""

from __future__ import annotations

import json
from typing import Any

from aura_kit.errors import AuraKitError
from aura_kit.protocol import Recv, Send
from aura_kit.protocol.types import PayloadSort, Sort, TupleSort, UserSort, distinct_nodes, unfold

SEARCH_LIMIT = 256  # local-type nodes visited when looking ahead for a send


class InvalidPayload(AuraKitError, ValueError):
    """Payload text that the role's next send cannot carry; nothing was queued."""

    def __init__(self, role: str, text: str, reason: str) -> None:
        self.role = role
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 24 else text[:21] + "..."
        super().__init__(f"payload {shown!r} for {role} refused: {reason}")


def payload_bytes(text: str) -> bytes:
    """The bytes to queue for ``text``: JSON text as is, anything else as a JSON string."""
    stripped = text.strip()
    if not stripped:
        raise InvalidPayload("?", text, 'it is empty; expected a value such as 42 or "title"')
    try:
        json.loads(stripped)
    except json.JSONDecodeError:
        return json.dumps(stripped).encode("utf-8")
    return stripped.encode("utf-8")


def select_labels(local_type: Any) -> tuple[str, ...]:
    """Every label the role can select (sends with several branches), in order."""
    found: dict[str, None] = {}
    for t in distinct_nodes(local_type):
        if isinstance(t, Send) and len(t.branches) > 1:
            found.update(dict.fromkeys(b.label for b in t.branches))
    return tuple(found)


def upcoming_sends(
    local_type: Any, queued_choices: tuple[str, ...] = (), skip: int = 0
) -> list[tuple[str, PayloadSort]]:
    """``(label, sort)`` of the send with a payload that comes after ``skip`` others, on every
    path ahead (queued choices decide the selects they reach; receives may go any way)."""
    found: dict[tuple[str, PayloadSort], None] = {}
    stack = [(local_type, skip, queued_choices)]
    visited = 0
    while stack and visited < SEARCH_LIMIT:
        t, left, choices = stack.pop()
        t = unfold(t)
        visited += 1
        if isinstance(t, Recv):
            stack.extend((b.cont, left, choices) for b in t.branches)
        elif isinstance(t, Send):
            branches = t.branches
            if len(branches) > 1 and choices:
                branches = tuple(b for b in branches if b.label == choices[0])
                choices = choices[1:]
            for b in branches:
                if b.sort is Sort.UNIT:
                    stack.append((b.cont, left, choices))
                elif left == 0:
                    found[(b.label, b.sort)] = None
                else:
                    stack.append((b.cont, left - 1, choices))
    return list(found)


def _value_of(text: str) -> tuple[object, bool]:
    """The JSON value of ``text`` and True, or the text itself and False."""
    try:
        return json.loads(text), True
    except json.JSONDecodeError:
        return text, False


def _fits(sort: PayloadSort, value: object, was_json: bool) -> bool:
    if isinstance(sort, TupleSort):  # the codec frames each part; a typed tuple is not offered
        return False
    if isinstance(sort, UserSort):  # opaque: any JSON scalar, or the text itself
        return value is None or isinstance(value, (bool, int, str))
    if sort is Sort.INT:
        return was_json and isinstance(value, int) and not isinstance(value, bool)
    if sort is Sort.BOOL:
        return was_json and isinstance(value, bool)
    return sort is Sort.STR and isinstance(value, str)


def payload_for_send(role: str, text: str, sends: list[tuple[str, PayloadSort]]) -> bytes:
    """The bytes to queue for ``text`` when the payload goes to one of ``sends``."""
    stripped = text.strip()
    if not stripped:
        raise InvalidPayload(role, text, 'it is empty; expected a value such as 42 or "title"')
    if not sends:
        raise InvalidPayload(role, text, f"{role} has no send with a payload ahead")
    expected = " or ".join(f"{label}({sort})" for label, sort in sends)
    if any(sort is Sort.BYTES for _, sort in sends):
        return stripped.encode("utf-8")
    value, was_json = _value_of(stripped)
    if any(_fits(sort, value, was_json) for _, sort in sends):
        return json.dumps(value).encode("utf-8")
    if all(isinstance(sort, TupleSort) for _, sort in sends):
        reason = f"{role}'s next send is {expected}; tuple payloads cannot be typed here yet"
        return _refuse(role, text, reason)
    got = type(value).__name__ if was_json else "text"
    hint = ' (write "..." in quotes for text)' if was_json else ""
    return _refuse(role, text, f"{role}'s next send is {expected}; got {got}{hint}")


def _refuse(role: str, text: str, reason: str) -> bytes:
    raise InvalidPayload(role, text, reason)
