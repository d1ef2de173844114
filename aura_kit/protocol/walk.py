"""Stack walks over nested type nodes: structural ``==``, ``hash`` and ``repr``.

This module imports nothing from ``types``; it works on any node that subclasses ``Node``
and says its ``shape``:

- ``Shape.MU``: fields ``var`` and ``body`` (one child);
- ``Shape.COMM``: fields ``sender``, ``receiver`` and ``branches``;
- ``Shape.PEER``: fields ``partner`` and ``branches``;

a branch has ``label``, ``sort``, ``peer`` and ``cont`` (its child). Anything that is not a ``Node``
is a flat leaf compared with its own ``==``.

Invariants:
- no walk recurses, so any depth works under the default recursion limit;
- equal nodes hash equal; ``repr`` is the text the plain dataclass ``repr`` would give.
"""

from __future__ import annotations

from enum import Enum
from typing import ClassVar


class Shape(Enum):
    """Which fields a ``Node`` has (see the module docstring)."""

    MU = "mu"
    COMM = "comm"
    PEER = "peer"


_MU = Shape.MU  # plain names: an enum member lookup costs ~5x a global on hot walks
_COMM = Shape.COMM


class Node:
    """Base of the nested types: equality, hash and repr walked with a stack."""

    __slots__ = ()
    shape: ClassVar[Shape]

    def __eq__(self, other: object) -> bool:
        return node_eq(self, other)

    def __hash__(self) -> int:
        return node_hash(self)

    def __repr__(self) -> str:
        return node_repr(self)


def head(t: object) -> tuple[object, ...]:
    """The non-recursive fields of a node (its children are handled by the caller)."""
    shape = t.shape  # type: ignore[attr-defined]
    if shape is _COMM:
        return (type(t), t.sender, t.receiver, len(t.branches))  # type: ignore[attr-defined]
    if shape is _MU:
        return (type(t), t.var)  # type: ignore[attr-defined]
    return (type(t), t.partner, len(t.branches))  # type: ignore[attr-defined]


def children(t: object) -> tuple[object, ...]:
    """A node's children: the ``Mu`` body, else the branch continuations in order."""
    if t.shape is _MU:  # type: ignore[attr-defined]
        return (t.body,)  # type: ignore[attr-defined]
    return tuple(b.cont for b in t.branches)  # type: ignore[attr-defined]


def node_eq(a: object, b: object) -> bool:
    """Structural equality of two types, walked with a stack."""
    if type(a) is not type(b):
        return NotImplemented
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        if type(x) is not type(y):
            return False
        if not isinstance(x, Node):
            if x != y:  # End and Var: flat dataclass equality
                return False
            continue
        if head(x) != head(y):
            return False
        if x.shape is not _MU:
            for bx, by in zip(x.branches, y.branches, strict=True):  # type: ignore[attr-defined]
                if bx.label != by.label or bx.sort != by.sort or bx.peer != by.peer:
                    return False
        stack.extend(zip(children(x), children(y), strict=True))
    return True


def node_hash(t: object) -> int:
    """A structural hash (equal types hash equal), walked with a stack."""
    parts: list[object] = []
    stack = [t]
    while stack:
        x = stack.pop()
        if not isinstance(x, Node):
            parts.append(x)
            continue
        parts.append(head(x))
        if x.shape is not _MU:
            parts.extend((b.label, b.sort, b.peer) for b in x.branches)  # type: ignore[attr-defined]
        stack.extend(reversed(children(x)))
    return hash(tuple(parts))


def _pieces(x: Node) -> list[tuple[bool, object]]:
    """The repr of one node as literal text pieces around its children."""
    if x.shape is _MU:
        return [(True, f"Mu(var={x.var!r}, body="), (False, x.body), (True, ")")]  # type: ignore[attr-defined]
    if x.shape is _COMM:
        fields = f"sender={x.sender!r}, receiver={x.receiver!r}"  # type: ignore[attr-defined]
    else:
        fields = f"partner={x.partner!r}"  # type: ignore[attr-defined]
    pieces: list[tuple[bool, object]] = [(True, f"{type(x).__qualname__}({fields}, branches=(")]
    branches = x.branches  # type: ignore[attr-defined]
    for i, b in enumerate(branches):
        start = f"{', ' if i else ''}Branch(label={b.label!r}, sort={b.sort!r}, cont="
        end = ")" if b.peer is None else f", peer={b.peer!r})"
        pieces += [(True, start), (False, b.cont), (True, end)]
    pieces.append((True, ",))" if len(branches) == 1 else "))"))
    return pieces


def node_repr(t: object) -> str:
    """The text the dataclass ``repr`` would give, written with a stack of pieces."""
    out: list[str] = []
    todo: list[tuple[bool, object]] = [(False, t)]
    while todo:
        literal, x = todo.pop()
        if literal:
            out.append(x)  # type: ignore[arg-type]
        elif isinstance(x, Node):
            todo.extend(reversed(_pieces(x)))
        else:
            out.append(repr(x))
    return "".join(out)
