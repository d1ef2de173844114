"""Global and local session types as frozen, hashable values.

Invariants:
- every type is immutable and hashable; equality is structural;
- branch order is part of a type (source order);
- ``End``, ``Mu`` and ``Var`` are shared by global and local types;
- unfolding is by substitution: ``unfold(Mu(X, T)) == T[Mu(X, T)/X]``;
- ``==``, ``hash``, ``substitute``, ``unfold`` and ``free_vars`` walk a type with an explicit
  stack (not recursion), so a type as deep as the parser's ``MAX_DEPTH`` works under the
  default recursion limit; ``rebuild`` is that walk for any bottom-up transformation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, TypeAlias

from aura_kit._display import Displayable


class Sort(StrEnum):
    """Payload sort of a message; ``UNIT`` means "no payload"."""

    UNIT = "unit"
    BOOL = "bool"
    INT = "int"
    STR = "str"
    BYTES = "bytes"

    def __str__(self) -> str:
        return self.value


class _Structural:
    """Equality, hash and repr for the nested types, walked with a stack, not recursion."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return _type_eq(self, other)

    def __hash__(self) -> int:
        return _type_hash(self)

    def __repr__(self) -> str:
        return _type_repr(self)  # the dataclass text


@dataclass(frozen=True, slots=True)
class End:
    """The finished protocol."""


@dataclass(frozen=True, slots=True)
class Var:
    """A recursion variable bound by an enclosing ``Mu``."""

    var: str


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Mu(_Structural):
    """``rec var. body``; works for global and local bodies alike."""

    var: str
    body: GlobalType | LocalType


class Branch(NamedTuple):
    """One labelled alternative: ``label(sort).cont``."""

    label: str
    sort: Sort
    cont: GlobalType | LocalType


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Comm(_Structural):
    """Global message from ``sender`` to ``receiver`` with one or more branches."""

    sender: str
    receiver: str
    branches: tuple[Branch, ...]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Send(_Structural):
    """Local send (one branch) or select (several) towards ``partner``."""

    partner: str
    branches: tuple[Branch, ...]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Recv(_Structural):
    """Local receive (one branch) or branch (several) from ``partner``."""

    partner: str
    branches: tuple[Branch, ...]


GlobalType: TypeAlias = End | Comm | Mu | Var
Path: TypeAlias = tuple[int, ...]
_DEEP = frozenset({Comm, Send, Recv, Mu})


def _head(t: object) -> tuple[object, ...]:
    """The non-recursive fields of a node (its children are handled by the caller)."""
    if type(t) is Comm:
        return (Comm, t.sender, t.receiver, len(t.branches))
    if type(t) is Mu:
        return (Mu, t.var)
    return (type(t), t.partner, len(t.branches))  # type: ignore[attr-defined]


def _children(t: object) -> tuple[object, ...]:
    if type(t) is Mu:
        return (t.body,)
    return tuple(b.cont for b in t.branches)  # type: ignore[attr-defined]


def _type_eq(a: object, b: object) -> bool:
    """Structural equality of two types, walked with a stack."""
    if type(a) is not type(b):
        return NotImplemented
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        kind = type(x)
        if kind is not type(y):
            return False
        if kind not in _DEEP:
            if x != y:  # End and Var: flat dataclass equality
                return False
            continue
        if _head(x) != _head(y):
            return False
        if kind is not Mu:
            for bx, by in zip(x.branches, y.branches, strict=True):  # type: ignore[attr-defined]
                if bx.label != by.label or bx.sort != by.sort:
                    return False
        stack.extend(zip(_children(x), _children(y), strict=True))
    return True


def _type_hash(t: object) -> int:
    """A structural hash (equal types hash equal), walked with a stack."""
    parts: list[object] = []
    stack = [t]
    while stack:
        x = stack.pop()
        if type(x) not in _DEEP:
            parts.append(x)
            continue
        parts.append(_head(x))
        if type(x) is not Mu:
            parts.extend((b.label, b.sort) for b in x.branches)  # type: ignore[attr-defined]
        stack.extend(reversed(_children(x)))
    return hash(tuple(parts))


def _type_repr(t: object) -> str:
    """The text the dataclass ``repr`` would give, written with a stack of pieces."""
    out: list[str] = []
    todo: list[tuple[bool, object]] = [(False, t)]
    while todo:
        literal, x = todo.pop()
        if literal or type(x) not in _DEEP:
            out.append(x if literal else repr(x))  # type: ignore[arg-type]
            continue
        if type(x) is Mu:
            pieces: list[tuple[bool, object]] = [
                (True, f"Mu(var={x.var!r}, body="),
                (False, x.body),
            ]
        else:
            head = _head(x)
            fields = (
                f"sender={head[1]!r}, receiver={head[2]!r}"
                if head[0] is Comm
                else f"partner={head[1]!r}"
            )
            pieces = [(True, f"{head[0].__qualname__}({fields}, branches=(")]  # type: ignore[attr-defined]
            for i, b in enumerate(x.branches):  # type: ignore[attr-defined]
                start = f"{', ' if i else ''}Branch(label={b.label!r}, sort={b.sort!r}, cont="
                pieces += [(True, start), (False, b.cont), (True, ")")]
            pieces.append((True, ",)" if len(x.branches) == 1 else ")"))  # type: ignore[attr-defined]
        pieces.append((True, ")"))
        todo.extend(reversed(pieces))
    return "".join(out)


LocalType: TypeAlias = End | Send | Recv | Mu | Var
AnyType: TypeAlias = End | Comm | Send | Recv | Mu | Var


def rebuild(
    t: AnyType,
    leaf: Callable[[AnyType], AnyType | None],
    node: Callable[[AnyType, tuple[AnyType, ...]], AnyType],
) -> AnyType:
    """Rebuild ``t`` bottom up with an explicit stack (no recursion, any depth).

    ``leaf(x)`` gives the result for ``x`` without looking inside it, or ``None`` to go on
    into its children (``End`` and ``Var`` must get a result); ``node(x, kids)`` builds the
    result for ``x`` from its children's results (``Mu`` body first, else branch order). A
    node shared by several parents is rebuilt once.
    """
    done: dict[int, AnyType] = {}
    stack: list[AnyType] = [t]
    while stack:
        x = stack[-1]
        if id(x) in done:
            stack.pop()
            continue
        result = leaf(x)
        if result is None:
            kids: tuple[AnyType, ...] = _children(x)  # type: ignore[assignment]
            pending = [k for k in kids if id(k) not in done]
            if pending:
                stack.extend(reversed(pending))
                continue
            result = node(x, tuple(done[id(k)] for k in kids))
        stack.pop()
        done[id(x)] = result
    return done[id(t)]


def with_children(t: AnyType, kids: tuple[AnyType, ...]) -> AnyType:
    """``t`` with its children (``Mu`` body, or branch continuations) replaced; ``t`` if same."""
    if all(k is c for k, c in zip(kids, _children(t), strict=True)):
        return t
    if isinstance(t, Mu):
        return Mu(t.var, kids[0])
    branches = tuple(
        Branch(b.label, b.sort, k)
        for b, k in zip(t.branches, kids, strict=True)  # type: ignore[union-attr]
    )
    if isinstance(t, Comm):
        return Comm(t.sender, t.receiver, branches)
    return type(t)(t.partner, branches)  # type: ignore[call-arg, union-attr]


def substitute(t: AnyType, var: str, replacement: AnyType) -> AnyType:
    """Return ``t`` with free occurrences of ``var`` replaced by ``replacement``."""

    def leaf(x: AnyType) -> AnyType | None:
        if isinstance(x, Var):
            return replacement if x.var == var else x
        if isinstance(x, End) or (isinstance(x, Mu) and x.var == var):
            return x
        return None if type(x) in _DEEP else x

    return rebuild(t, leaf, with_children)


def unfold(t: AnyType) -> AnyType:
    """Unfold leading ``Mu`` binders by substitution until the head is not a ``Mu``.

    An unguarded recursion (``rec X. X``) would never terminate; well-formed
    types are guarded, and this function stops after a bounded number of steps
    and returns what it has in the unguarded case.
    """
    seen = 0
    while isinstance(t, Mu) and seen < 1000:
        t = substitute(t.body, t.var, t)
        seen += 1
    return t


def free_vars(t: AnyType) -> frozenset[str]:
    """Recursion variables that occur in ``t`` outside any binder for them."""
    out: set[str] = set()
    stack: list[tuple[AnyType, frozenset[str]]] = [(t, frozenset())]
    seen: set[tuple[int, frozenset[str]]] = set()
    while stack:
        x, bound = stack.pop()
        if (id(x), bound) in seen:
            continue
        seen.add((id(x), bound))
        if isinstance(x, Var):
            if x.var not in bound:
                out.add(x.var)
        elif isinstance(x, Mu):
            stack.append((x.body, bound | {x.var}))
        elif isinstance(x, (Comm, Send, Recv)):
            stack.extend((b.cont, bound) for b in x.branches)
    return frozenset(out)


def labels(t: Comm | Send | Recv) -> tuple[str, ...]:
    """Labels of a communication in branch order."""
    return tuple(b.label for b in t.branches)


class PositionTable(Mapping[Path, tuple[int, int]]):
    """Read-only ``path -> (line, column)`` table; copyable and picklable."""

    __slots__ = ("_table",)

    def __init__(self, table: Mapping[Path, tuple[int, int]] | None = None) -> None:
        self._table = dict(table or {})

    def __getitem__(self, path: Path) -> tuple[int, int]:
        return self._table[path]

    def __iter__(self) -> Iterator[Path]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"PositionTable({self._table!r})"


@dataclass(frozen=True, slots=True)
class Protocol(Displayable):
    """A named protocol: its declared roles (in order) and its global type.

    ``positions`` maps a node's path in ``global_type`` to its ``(line, column)`` in
    the text; a path is the tuple of child indices from the root (a ``Mu`` body is
    child 0, a ``Comm`` branch ``i`` is child ``i``). It takes no part in equality.
    """

    name: str
    roles: tuple[str, ...]
    global_type: GlobalType
    source: str = "<string>"
    positions: Mapping[Path, tuple[int, int]] = field(
        default_factory=PositionTable, compare=False, repr=False
    )

    def position(self, path: Path) -> tuple[int, int]:
        """``(line, column)`` of the node at ``path``; ``(0, 0)`` when unknown."""
        return self.positions.get(path, (0, 0))
