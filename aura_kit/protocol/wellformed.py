"""Well-formedness of global and local types (SPEC §2.1 rules, §2.5).

Invariants (a well-formed global type):
- every message is between two distinct roles named by identifiers (declared, when the
  protocol's roles are known); labels are identifiers, distinct within one ``Comm``;
- every ``Comm`` has at least one branch;
- it is closed (every ``Var`` is bound) and guarded (no ``Mu`` reaches a bound ``Var``
  before a message);
- it projects onto every role with the chosen merge.
A well-formed local type is closed and guarded.
"""

from __future__ import annotations

from collections.abc import Mapping

from aura_kit.protocol.errors import ProtocolDefinitionError, ProtocolError
from aura_kit.protocol.lexer import is_name
from aura_kit.protocol.projection import Merge, _Link, _spell, project_all
from aura_kit.protocol.types import (
    AnyType,
    Comm,
    GlobalType,
    LocalType,
    Mu,
    Path,
    Protocol,
    Recv,
    Send,
    Var,
    free_vars,
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
    """Walks a global type and raises the first broken rule with its position."""

    def __init__(
        self, roles: tuple[str, ...] | None, positions: Mapping[Path, tuple[int, int]], source: str
    ) -> None:
        self.roles = roles
        self.positions = positions
        self.source = source

    def fail(self, message: str, link: _Link, text: str, expected: str) -> ProtocolDefinitionError:
        line, column = self.positions.get(_spell(link), (0, 0))
        return ProtocolDefinitionError(
            message, source=self.source, line=line, column=column, text=text, expected=expected
        )

    def walk(self, t: GlobalType) -> None:
        """Check every node in preorder (branches in order) with a stack."""
        stack: list[tuple[GlobalType, _Link, frozenset[str], frozenset[str]]] = [
            (t, (), frozenset(), frozenset())
        ]
        while stack:
            x, link, bound, unguarded = stack.pop()
            if isinstance(x, Var):
                self.var(x, link, bound, unguarded)
            elif isinstance(x, Mu):
                if not is_name(x.var):
                    raise self.fail(f"bad recursion name {x.var!r}", link, x.var, "an identifier")
                body: GlobalType = x.body  # type: ignore[assignment]
                stack.append((body, (link, 0), bound | {x.var}, unguarded | {x.var}))
            elif isinstance(x, Comm):
                self.comm(x, link)
                for i in reversed(range(len(x.branches))):
                    cont: GlobalType = x.branches[i].cont  # type: ignore[assignment]
                    stack.append((cont, (link, i), bound, frozenset()))

    def var(self, t: Var, link: _Link, bound: frozenset[str], unguarded: frozenset[str]) -> None:
        if t.var not in bound:
            raise self.fail(f"unbound variable {t.var!r}", link, t.var, "an enclosing rec")
        if t.var in unguarded:
            raise self.fail(f"unguarded recursion on {t.var!r}", link, t.var, "a message first")

    def comm(self, t: Comm, path: _Link) -> None:
        for role in (t.sender, t.receiver):
            if not is_name(role):
                raise self.fail(f"bad role name {role!r}", path, role, "an identifier")
            if self.roles is not None and role not in self.roles:
                raise self.fail(f"undeclared role {role!r}", path, role, f"one of {self.roles}")
        if t.sender == t.receiver:
            raise self.fail(f"message from {t.sender!r} to itself", path, t.sender, "two roles")
        if not t.branches:
            raise self.fail("message without branches", path, t.sender, "at least one branch")
        seen: set[str] = set()
        for b in t.branches:
            if not is_name(b.label) or b.label in seen:
                raise self.fail(
                    f"bad or duplicate label {b.label!r}", path, b.label, "distinct labels"
                )
            seen.add(b.label)


def check_global(g: GlobalType | Protocol, merge: Merge | str = Merge.FULL) -> dict[str, LocalType]:
    """Raise the first broken rule of ``g``; return the projection of every role."""
    if isinstance(g, Protocol):
        _Checker(g.roles, g.positions, g.source).walk(g.global_type)
    else:
        _Checker(None, {}, "<global type>").walk(g)
    return project_all(g, merge)


def check_protocol(protocol: Protocol, merge: Merge | str = Merge.FULL) -> dict[str, LocalType]:
    """Raise the first problem of ``protocol``; return its projections by declared role."""
    if len(set(protocol.roles)) != len(protocol.roles) or not all(map(is_name, protocol.roles)):
        raise ProtocolDefinitionError(
            f"bad or duplicate role names {protocol.roles}",
            source=protocol.source,
            text=", ".join(protocol.roles),
            expected="distinct identifiers",
        )
    return check_global(protocol, merge)


def well_formed(g: GlobalType | Protocol, merge: Merge | str = Merge.FULL) -> bool:
    """Whether ``g`` keeps every rule of SPEC §2.1 and projects onto every role."""
    try:
        check_global(g, merge)
    except ProtocolError:
        return False
    return True
