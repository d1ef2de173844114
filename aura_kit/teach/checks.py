"""Checkers for exercises, each built on the kit's own oracle.

- ``local_type_of(protocol, role)``: the answer is ``project(protocol, role)``; a wrong answer
  names the first differing subterm and the projection rule that produced the expected one;
- ``local_type_is(expected)`` / ``global_type_is(expected)``: equality modulo branch order
  (and the names of ``rec`` variables), with the first difference named;
- ``raises_exactly(ErrorClass, **details)``: the answer is a call that must raise exactly that
  class (not a subclass) with those attribute values (a class value means "an instance of");
- ``trace_has(*patterns)`` / ``trace_lacks(pattern)`` over machine events, and
  ``message_order(events)`` for the sent messages in order;
- ``registry_is(effects, session_id)``: the answer states owner label, generation, scope,
  fragment keys and/or whether the session is active; each stated field is compared with
  the effect system's public reads.

Invariants: a checker never changes what it reads, returns an ``Outcome`` with a one-line
reason, and treats an answer of the wrong type as wrong (never as right).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aura_kit.machine import EventKind, MachineEvent
from aura_kit.ownership import SessionId
from aura_kit.protocol import (
    AnyType,
    Branch,
    Comm,
    End,
    GlobalType,
    LocalType,
    Mu,
    Protocol,
    ProtocolError,
    Recv,
    Send,
    Var,
    is_directed,
    parse_local,
    parse_protocol,
    peer_of,
    project,
)
from aura_kit.protocol.local import format_branch
from aura_kit.runtime import EffectSystem

from .errors import ExerciseDefinitionError
from .exercise import Checker, Outcome
from .projection import explain_projection

# -- differences between two types ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeDiff:
    """The first place two types differ: the actions leading there and both subterms."""

    path: tuple[str, ...]
    expected: AnyType
    got: AnyType
    what: str

    def where(self) -> str:
        """``at the start`` or ``after Seller?Quote(int).Buyer1!Share(int)``."""
        return "at the start" if not self.path else "after " + ".".join(self.path)


def type_diff(got: AnyType, expected: AnyType) -> TypeDiff | None:
    """The first difference (pre-order), modulo branch order and ``rec`` names; None if equal."""
    stack: list[tuple[AnyType, AnyType, tuple[str, ...], Mapping[str, str]]] = [
        (got, expected, (), {})
    ]
    while stack:
        a, e, path, names = stack.pop()
        what = _node_difference(a, e, names)
        if what:
            return TypeDiff(path=path, expected=e, got=a, what=what)
        if isinstance(e, Mu):
            stack.append((a.body, e.body, path, {**names, a.var: e.var}))  # type: ignore[union-attr]
        elif isinstance(e, (Comm, Send, Recv)):
            mine = {b.label: b for b in a.branches}  # type: ignore[union-attr]
            for b in reversed(e.branches):
                step = f"{_head(e, b)}{format_branch(b)}"
                stack.append((mine[b.label].cont, b.cont, (*path, step), names))
    return None


def _head(t: AnyType, b: Branch) -> str:
    """The action that leads into branch ``b`` of ``t``, naming that branch's own peer."""
    if isinstance(t, Comm):
        return f"{t.sender}->{peer_of(t, b)}:"
    return f"{peer_of(t, b)}{'!' if isinstance(t, Send) else '?'}"  # type: ignore[arg-type]


def _peer_difference(a: Comm | Send | Recv, e: Comm | Send | Recv) -> str:
    """How the peers differ, label by label (branch order does not count); empty if not."""
    if is_directed(a) and is_directed(e):
        if isinstance(e, Comm) and (a.sender, a.receiver) != (e.sender, e.receiver):  # type: ignore[union-attr]
            return f"expected {e.sender} -> {e.receiver}, got {a.sender} -> {a.receiver}"  # type: ignore[union-attr]
        if isinstance(e, (Send, Recv)) and a.partner != e.partner:  # type: ignore[union-attr]
            return f"expected partner {e.partner}, got {a.partner}"  # type: ignore[union-attr]
        return ""
    if isinstance(e, Comm) and a.sender != e.sender:  # type: ignore[union-attr]
        return f"expected sender {e.sender}, got {a.sender}"  # type: ignore[union-attr]
    mine = {b.label: peer_of(a, b) for b in a.branches}
    for b in e.branches:
        if b.label in mine and mine[b.label] != peer_of(e, b):
            return f"expected {b.label} with {peer_of(e, b)}, got {b.label} with {mine[b.label]}"
    return ""


def _kind(t: AnyType) -> str:
    names = {End: "end", Var: "a continue", Mu: "a rec", Send: "a send", Recv: "a receive"}
    return names.get(type(t), "a message")


def _node_difference(a: AnyType, e: AnyType, names: Mapping[str, str]) -> str:
    if type(a) is not type(e):
        return f"expected {_kind(e)}, got {_kind(a)}"
    if isinstance(e, Var):
        return "" if names.get(a.var, a.var) == e.var else "the continue jumps to another loop"  # type: ignore[union-attr]
    if isinstance(e, (Comm, Send, Recv)):
        peers = _peer_difference(a, e)  # type: ignore[arg-type]
        if peers:
            return peers
        mine = {b.label: b.sort for b in a.branches}  # type: ignore[union-attr]
        theirs = {b.label: b.sort for b in e.branches}
        if set(mine) != set(theirs):
            return f"expected labels {_labels(theirs)}, got {_labels(mine)}"
        bad = sorted(k for k in theirs if mine[k] != theirs[k])
        if bad:
            return f"{bad[0]} carries {theirs[bad[0]]}, not {mine[bad[0]]}"
    return ""


def _labels(names: Iterable[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}"


# -- type checkers ----------------------------------------------------------------------------


def _as_local(answer: Any) -> LocalType:
    if isinstance(answer, str):
        return parse_local(answer, source="<answer>")
    if isinstance(answer, (End, Var, Mu, Send, Recv)):
        return answer
    raise TypeError(f"expected a local type or its notation, got {type(answer).__name__}")


def local_type_is(expected: LocalType | str) -> Checker:
    """The answer (a local type or its notation) equals ``expected`` modulo branch order."""
    target = _as_local(expected)

    def check(answer: Any) -> Outcome:
        got = _parsed_local(answer)
        if isinstance(got, Outcome):
            return got
        diff = type_diff(got, target)
        return Outcome.ok() if diff is None else Outcome.no(f"{diff.where()}: {diff.what}")

    return check


def local_type_of(protocol: Protocol | GlobalType, role: str) -> Checker:
    """The answer is ``role``'s projection; a wrong one names the rule that applies there."""
    try:
        target = project(protocol, role)
    except ProtocolError as error:
        raise ExerciseDefinitionError(f"local_type_of({role!r})", str(error)) from None
    derivation = explain_projection(protocol, role)

    def check(answer: Any) -> Outcome:
        got = _parsed_local(answer)
        if isinstance(got, Outcome):
            return got
        diff = type_diff(got, target)
        if diff is None:
            return Outcome.ok(f"this is the projection onto {role}")
        step = derivation.step_for(diff.expected)  # type: ignore[arg-type]
        rule = f" ({step.rule.value} rule at {step.global_text})" if step is not None else ""
        return Outcome.no(f"{diff.where()}: {diff.what}{rule}")

    return check


def _parsed_local(answer: Any) -> LocalType | Outcome:
    try:
        return _as_local(answer)
    except ProtocolError as error:
        return Outcome.no(f"the answer does not parse as a local type: {error.message}")
    except TypeError as error:
        return Outcome.no(str(error))


def global_type_is(expected: GlobalType | Protocol | str) -> Checker:
    """The answer (a global type, a ``Protocol`` or protocol text) equals ``expected``
    modulo branch order."""
    target = _as_global(expected)

    def check(answer: Any) -> Outcome:
        try:
            got = _as_global(answer)
        except ProtocolError as error:
            return Outcome.no(f"the answer is not a valid protocol: {error.message}")
        except TypeError as error:
            return Outcome.no(str(error))
        diff = type_diff(got, target)
        return Outcome.ok() if diff is None else Outcome.no(f"{diff.where()}: {diff.what}")

    return check


def _as_global(value: Any) -> GlobalType:
    if isinstance(value, str):
        return parse_protocol(value, source="<answer>").global_type
    if isinstance(value, Protocol):
        return value.global_type
    if isinstance(value, (End, Var, Mu, Comm)):
        return value
    raise TypeError(
        f"expected a global type, a Protocol or protocol text, got {type(value).__name__}"
    )


# -- errors -----------------------------------------------------------------------------------


def raises_exactly(error_type: type[BaseException], **details: Any) -> Checker:
    """The answer is a zero-argument call that raises exactly ``error_type`` with ``details``."""

    def check(answer: Any) -> Outcome:
        if not callable(answer):
            return Outcome.no(f"the answer must be a call (a lambda), got {type(answer).__name__}")
        try:
            answer()
        except Exception as error:  # the answer's refusal is what is being checked
            return _exactly(error, error_type, details)
        return Outcome.no(f"the call returned without raising; expected {error_type.__name__}")

    return check


def _exactly(
    error: BaseException, error_type: type[BaseException], details: Mapping[str, Any]
) -> Outcome:
    name = type(error).__name__
    if type(error) is not error_type:
        return Outcome.no(f"the call raised {name}, expected exactly {error_type.__name__}")
    for attribute, want in details.items():
        value = getattr(error, attribute, None)
        if isinstance(want, type):
            if not isinstance(value, want):
                shown = type(value).__name__
                return Outcome.no(f"{name}.{attribute} is a {shown}, expected a {want.__name__}")
        elif value != want:
            return Outcome.no(f"{name}.{attribute} is {value!r}, expected {want!r}")
    return Outcome.ok(f"raises {name}")


# -- traces -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPattern:
    """A machine event predicate: each given field must match (None matches anything)."""

    kind: EventKind | None = None
    role: str | None = None
    peer: str | None = None
    label: str | None = None

    def matches(self, event: MachineEvent) -> bool:
        """Whether ``event`` has every field this pattern gives."""
        wanted = (self.kind, self.role, self.peer, self.label)
        got = (event.kind, event.role, event.peer, event.label)
        return all(w is None or w == g for w, g in zip(wanted, got, strict=True))

    def __str__(self) -> str:
        fields = [
            f"{k}={v}"
            for k, v in (
                ("kind", self.kind),
                ("role", self.role),
                ("peer", self.peer),
                ("label", self.label),
            )
            if v
        ]
        return "event(" + ", ".join(fields) + ")"


def _events(answer: Any) -> tuple[MachineEvent, ...]:
    if isinstance(answer, Iterable) and not isinstance(answer, (str, bytes)):
        events = tuple(answer)
        if all(isinstance(e, MachineEvent) for e in events):
            return events
    raise TypeError(f"expected a sequence of machine events, got {type(answer).__name__}")


def trace_has(*patterns: EventPattern) -> Checker:
    """The answer (machine events) contains events matching ``patterns`` in that order."""

    def check(answer: Any) -> Outcome:
        try:
            events = iter(_events(answer))
        except TypeError as error:
            return Outcome.no(str(error))
        for pattern in patterns:
            if not any(pattern.matches(e) for e in events):
                return Outcome.no(f"the trace has no {pattern} (after the earlier ones)")
        return Outcome.ok("the trace has every event asked for")

    return check


def trace_lacks(pattern: EventPattern) -> Checker:
    """The answer (machine events) has no event matching ``pattern``."""

    def check(answer: Any) -> Outcome:
        try:
            events = _events(answer)
        except TypeError as error:
            return Outcome.no(str(error))
        hit = next((e for e in events if pattern.matches(e)), None)
        if hit is not None:
            return Outcome.no(f"the trace has {pattern} at tick {hit.tick}")
        return Outcome.ok(f"no {pattern} in the trace")

    return check


SENDS = frozenset({EventKind.SENT, EventKind.SELECTED})


def sent_messages(events: Iterable[MachineEvent]) -> tuple[str, ...]:
    """``Sender->Receiver:Label`` for every sent or selected message, in order."""
    return tuple(f"{e.role}->{e.peer}:{e.label}" for e in events if e.kind in SENDS)


def message_order(events: Sequence[MachineEvent]) -> Checker:
    """The answer lists the messages of ``events`` in the order they were sent."""
    truth = sent_messages(events)

    def check(answer: Any) -> Outcome:
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            return Outcome.no("the answer must be a list like ['A->B:Label', ...]")
        got = tuple("".join(str(m).split()) for m in answer)
        for i, (g, t) in enumerate(zip(got, truth, strict=False)):
            if g != t:
                return Outcome.no(f"message {i + 1} is not {g}")
        if len(got) != len(truth):
            return Outcome.no(f"{len(got)} messages given; the run sent {len(truth)}")
        return Outcome.ok(f"the {len(truth)} messages in order")

    return check


# -- the ownership registry -------------------------------------------------------------------

REGISTRY_FIELDS = ("active", "owner", "generation", "scope", "fragments")


def registry_facts(effects: EffectSystem, session_id: SessionId) -> dict[str, Any]:
    """What the effect system's public reads say about one session (the registry oracle)."""
    record = effects.owner_record(session_id)
    keys = {f.key for f, _ in effects.vm_fragment_snapshot() if f.session_id == session_id}
    return {
        "active": record is not None,
        "owner": None if record is None else record.owner_label,
        "generation": effects.generation(session_id),
        "scope": None if record is None else record.scope.canonical(),
        "fragments": frozenset(keys),
    }


def registry_is(effects: EffectSystem, session_id: SessionId | str) -> Checker:
    """The answer (a dict of some of ``REGISTRY_FIELDS``) matches the registry now."""
    sid = SessionId.coerce(session_id)

    def check(answer: Any) -> Outcome:
        if not isinstance(answer, Mapping) or not answer:
            return Outcome.no(
                f"the answer must be a dict with some of {', '.join(REGISTRY_FIELDS)}"
            )
        unknown = sorted(set(answer) - set(REGISTRY_FIELDS))
        if unknown:
            return Outcome.no(f"unknown field {unknown[0]!r}; use {', '.join(REGISTRY_FIELDS)}")
        facts = registry_facts(effects, sid)
        for name in REGISTRY_FIELDS:
            if name in answer and _normal(name, answer[name]) != facts[name]:
                return Outcome.no(f"{name} is not {answer[name]!r}")
        return Outcome.ok("the registry agrees")

    return check


def _normal(name: str, value: Any) -> Any:
    if name == "fragments" and isinstance(value, Iterable) and not isinstance(value, str):
        return frozenset(value)
    if name == "scope" and hasattr(value, "canonical"):
        return value.canonical()
    return value
