"""Well-formedness of global and local types (rules in docs/protocol-language.md).

Invariants (a well-formed global type):
- every message is between two distinct roles named by non-keyword identifiers (declared,
  when the protocol's roles are known); labels are any identifiers (keywords included),
  distinct within one ``Comm``;
- every ``Comm`` has at least one branch;
- it is closed (every ``Var`` is bound) and guarded (no ``Mu`` reaches a bound ``Var``
  before a message);
- it projects onto every role with the chosen merge.
A well-formed local type is closed and guarded. An error takes its place from the nearest
``Comm`` or ``Mu`` read from text (``source:0:0`` for a type built in code).
"""

from __future__ import annotations

from typing import Literal, overload

from aura_kit.arguments import check_type
from aura_kit.protocol import limits
from aura_kit.protocol.errors import ProtocolDefinitionError, ProtocolError
from aura_kit.protocol.exploration import explore_endpoints
from aura_kit.protocol.fsm import LocalFsm
from aura_kit.protocol.lexer import is_identifier, is_name
from aura_kit.protocol.projection import Merge, project_all
from aura_kit.protocol.types import (
    AnyType,
    Comm,
    End,
    GlobalType,
    LocalType,
    Mu,
    Place,
    Protocol,
    Recv,
    Send,
    Var,
    free_vars,
    peers,
)


def is_guarded(t: AnyType, bound: frozenset[str] = frozenset()) -> bool:
    """No ``Mu`` reaches one of its own variables before a communication."""
    stack: list[tuple[AnyType, frozenset[str]]] = [(t, bound)]
    seen: set[tuple[int, frozenset[str]]] = set()
    while stack:
        x, inside = stack.pop()
        if (id(x), inside) in seen:
            continue
        seen.add((id(x), inside))
        if isinstance(x, Mu):
            stack.append((x.body, inside | {x.var}))
        elif isinstance(x, Var):
            if x.var in inside:
                return False
        elif isinstance(x, (Comm, Send, Recv)):
            stack.extend((b.cont, frozenset()) for b in x.branches)
    return True


def well_formed_local(t: LocalType) -> bool:
    """A local type is well formed when it is closed and guarded."""
    return not free_vars(t) and is_guarded(t)


class _Checker:
    """Walks a global type and raises the first broken rule at the nearest written node."""

    def __init__(self, roles: tuple[str, ...] | None, source: str) -> None:
        self.roles = roles
        self.declared = None if roles is None else frozenset(roles)
        self.source = source

    def fail(self, message: str, place: Place, text: str, expected: str) -> ProtocolDefinitionError:
        return ProtocolDefinitionError(
            message,
            source=place.source,
            line=place.line,
            column=place.column,
            text=text,
            expected=expected,
        )

    def walk(self, t: GlobalType) -> None:
        """Check every node in preorder (branches in order) with a stack."""
        stack: list[tuple[GlobalType, Place, frozenset[str], frozenset[str]]] = [
            (t, Place(self.source, 0, 0), frozenset(), frozenset())
        ]
        while stack:
            x, place, bound, unguarded = stack.pop()
            if isinstance(x, Var):
                self.var(x, place, bound, unguarded)
            elif isinstance(x, Mu):
                place = x.place or place
                if not is_name(x.var):
                    raise self.fail(f"bad recursion name {x.var!r}", place, x.var, "an identifier")
                body: GlobalType = x.body  # type: ignore[assignment]
                stack.append((body, place, bound | {x.var}, unguarded | {x.var}))
            elif isinstance(x, Comm):
                place = x.place or place
                self.comm(x, place)
                for i in reversed(range(len(x.branches))):
                    cont: GlobalType = x.branches[i].cont  # type: ignore[assignment]
                    stack.append((cont, place, bound, frozenset()))

    def var(self, t: Var, place: Place, bound: frozenset[str], unguarded: frozenset[str]) -> None:
        if t.var not in bound:
            raise self.fail(f"unbound variable {t.var!r}", place, t.var, "an enclosing rec")
        if t.var in unguarded:
            raise self.fail(f"unguarded recursion on {t.var!r}", place, t.var, "a message first")

    def comm(self, t: Comm, place: Place) -> None:
        for role in (t.sender, *peers(t)):
            if not is_name(role):
                raise self.fail(f"bad role name {role!r}", place, role, "an identifier")
            if self.declared is not None and role not in self.declared:
                raise self.fail(f"undeclared role {role!r}", place, role, f"one of {self.roles}")
        if t.sender in peers(t):
            raise self.fail(f"message from {t.sender!r} to itself", place, t.sender, "two roles")
        if not t.branches:
            raise self.fail("message without branches", place, t.sender, "at least one branch")
        seen: set[str] = set()
        for b in t.branches:
            if not is_identifier(b.label) or b.label in seen:
                raise self.fail(
                    f"bad or duplicate label {b.label!r}", place, b.label, "distinct labels"
                )
            seen.add(b.label)


def check_global(g: GlobalType | Protocol, merge: Merge | str = Merge.FULL) -> dict[str, LocalType]:
    """Raise the first broken rule of ``g``; return the projection of every role."""
    check_type("check_global g", g, (End, Comm, Mu, Var, Protocol), "a global type or a Protocol")
    if isinstance(g, Protocol):
        _Checker(g.roles, g.source).walk(g.global_type)
    else:
        _Checker(None, "<global type>").walk(g)
    return project_all(g, merge)


@overload
def check_protocol(
    protocol: Protocol, merge: Merge | str = ..., *, by: Literal["merge"] = ...
) -> dict[str, LocalType]: ...
@overload
def check_protocol(
    protocol: Protocol, merge: Merge | str = ..., *, by: Literal["explore"]
) -> dict[str, LocalFsm]: ...
def check_protocol(
    protocol: Protocol, merge: Merge | str = Merge.FULL, *, by: str = "merge"
) -> dict[str, LocalType] | dict[str, LocalFsm]:
    """Raise the first problem of ``protocol``; return its projections by declared role.

    ``by="explore"`` keeps the rules of the language but, instead of merging, builds each
    role's endpoint automaton and explores their joint states: it returns the automata when no
    run deadlocks or orphans a message and raises ``ExplorationError`` with the shortest trace
    otherwise (``merge`` is then unused).
    """
    check_type("check_protocol protocol", protocol, Protocol, "a Protocol")
    if by not in ("merge", "explore"):
        raise ProtocolError(f"check_protocol: by={by!r}", expected="'merge' or 'explore'")
    if len(set(protocol.roles)) != len(protocol.roles) or not all(map(is_name, protocol.roles)):
        raise ProtocolDefinitionError(
            f"bad or duplicate role names {protocol.roles}",
            source=protocol.source,
            text=", ".join(protocol.roles),
            expected="distinct identifiers",
        )
    if len(protocol.roles) > limits.MAX_ROLES:
        raise ProtocolDefinitionError(
            f"too many roles: the protocol has {len(protocol.roles):,}",
            source=protocol.source,
            text=protocol.roles[limits.MAX_ROLES],
            expected=f"at most {limits.MAX_ROLES:,} roles (aura_kit.protocol.limits.MAX_ROLES)",
        )
    if by == "explore":
        _Checker(protocol.roles, protocol.source).walk(protocol.global_type)
        return explore_endpoints(protocol)
    return check_global(protocol, merge)


def well_formed(g: GlobalType | Protocol, merge: Merge | str = Merge.FULL) -> bool:
    """Whether ``g`` keeps every rule of the language and projects onto every role."""
    try:
        check_global(g, merge)
    except ProtocolError:
        return False
    return True
