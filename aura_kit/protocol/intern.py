"""Structural keys for types, so that deep types can be told apart in linear time.

Invariants:
- ``keys.key(a) == keys.key(b)`` exactly when ``a == b`` (for one ``TypeKeys``);
- a node's key is computed once (memo by identity; the node is kept alive so its id is not
  reused), so keying every suffix of a type ``n`` deep costs ``O(n)``, where hashing each
  suffix would cost ``O(n^2)``;
- the walk uses an explicit stack: any depth works under the default recursion limit.
"""

from __future__ import annotations

from aura_kit.protocol.types import AnyType, Comm, Mu, Recv, Send, Var
from aura_kit.protocol.walk import Node, children


class TypeKeys:
    """Hash-consing of types: one small int per distinct structure."""

    __slots__ = ("_by_id", "_by_shape")

    def __init__(self) -> None:
        self._by_shape: dict[tuple[object, ...], int] = {}
        self._by_id: dict[int, tuple[object, int]] = {}

    def key(self, t: AnyType) -> int:
        """The key of ``t``: equal to another's exactly when the types are equal."""
        by_id = self._by_id
        stack: list[AnyType] = [t]
        while stack:
            x = stack[-1]
            if id(x) in by_id:
                stack.pop()
                continue
            kids: tuple[AnyType, ...] = ()
            if isinstance(x, Node):
                kids = children(x)  # type: ignore[assignment]
            pending = [k for k in kids if id(k) not in by_id]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            shape = _shape(x, tuple(by_id[id(k)][1] for k in kids))
            by_id[id(x)] = (x, self._by_shape.setdefault(shape, len(self._by_shape)))
        return by_id[id(t)][1]


def _shape(t: AnyType, kids: tuple[int, ...]) -> tuple[object, ...]:
    if isinstance(t, Mu):
        return (Mu, t.var, kids[0])
    if isinstance(t, Var):
        return (Var, t.var)
    if isinstance(t, Comm):
        head: tuple[object, ...] = (Comm, t.sender, t.receiver)
    elif isinstance(t, (Send, Recv)):
        head = (type(t), t.partner)
    else:
        return (type(t),)
    parts = zip(t.branches, kids, strict=True)
    return (*head, tuple((b.label, b.sort, b.peer, k) for b, k in parts))
