"""Global and local session types as frozen, hashable values.

Invariants:
- every type is immutable and hashable; equality is structural;
- branch order is part of a type (source order);
- ``End``, ``Mu`` and ``Var`` are shared by global and local types;
- unfolding is by substitution: ``unfold(Mu(X, T)) == T[Mu(X, T)/X]``;
- ``==``, ``hash``, ``substitute``, ``unfold`` and ``free_vars`` walk a type with an explicit
  stack (not recursion), so a type as deep as the parser's ``MAX_DEPTH`` works under the
  default recursion limit; ``rebuild`` is that walk for any bottom-up transformation;
- the structural ``==``, ``hash`` and ``repr`` walks live in ``walk`` (the ``Node`` base);
- a ``Comm`` or ``Mu`` read from text carries its ``Place`` (source, line, column); the place
  takes no part in ``==``, ``hash`` or ``repr`` and survives ``substitute`` and ``unfold``.

Peers (non-directed choice): a branch goes to a *peer*, ``peer_of(node, branch)``. A branch's
``peer`` field is ``None`` when its peer is the node's ``receiver`` (``Comm``) or ``partner``
(``Send``), and names another role otherwise; the first branch's ``peer`` is always ``None``,
so ``receiver`` / ``partner`` is the first branch's peer and a *directed* node (every branch to
one role, the only kind before non-directed choice) has every ``peer`` ``None``. A ``Recv`` is
always directed: a role learns a branch from one sender. These rules are checked when a node
is built (``ValueError``), so each type has one representation and ``==`` stays structural.
Code that needs where a branch goes reads ``peer_of`` (or ``peers``), never ``receiver`` /
``partner`` alone, unless ``is_directed`` holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, NamedTuple, TypeAlias

from aura_kit._display import Displayable
from aura_kit.protocol.walk import Node, Shape, children


class Sort(StrEnum):
    """Payload sort of a message; ``UNIT`` means "no payload"."""

    UNIT = "unit"
    BOOL = "bool"
    INT = "int"
    STR = "str"
    BYTES = "bytes"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class UserSort:
    """A payload sort a protocol file declares by name (``sort Order``); opaque to the kit.

    ``value`` and ``str`` give the name, as ``Sort`` does, so printing treats every sort alike.
    """

    name: str

    @property
    def value(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class TupleSort:
    """A payload of two or more components, ``m(int, str)``; no component is ``unit``."""

    parts: tuple[Sort | UserSort, ...]

    @property
    def value(self) -> str:
        return ", ".join(str(p) for p in self.parts)

    def __str__(self) -> str:
        return self.value


PayloadSort: TypeAlias = Sort | UserSort | TupleSort


def as_sort(sort: PayloadSort | str) -> PayloadSort:
    """``sort`` as a payload sort: a built-in sort's name gives that ``Sort``."""
    if isinstance(sort, (Sort, UserSort, TupleSort)):
        return sort
    return Sort(sort)


def component_sorts(sort: PayloadSort) -> tuple[Sort | UserSort, ...]:
    """The components of a payload sort: a tuple's parts, else the sort alone."""
    return sort.parts if isinstance(sort, TupleSort) else (sort,)


class Place(NamedTuple):
    """Where a node was written: the source name and its 1-based line and column."""

    source: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class End:
    """The finished protocol."""


@dataclass(frozen=True, slots=True)
class Var:
    """A recursion variable bound by an enclosing ``Mu``."""

    var: str


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Mu(Node):
    """``rec var. body``; works for global and local bodies alike."""

    shape: ClassVar[Shape] = Shape.MU

    var: str
    body: GlobalType | LocalType
    place: Place | None = field(default=None, kw_only=True, compare=False)


class Branch(NamedTuple):
    """One labelled alternative: ``label(sort).cont``, to ``peer`` when that is set.

    ``peer`` is ``None`` for a branch that goes to its node's ``receiver`` / ``partner``
    (see "Peers" in the module docstring); read a branch's peer with ``peer_of``.
    """

    label: str
    sort: PayloadSort
    cont: GlobalType | LocalType
    peer: str | None = None

    def with_cont(self, cont: GlobalType | LocalType) -> Branch:
        """This branch (label, sort, peer) with another continuation."""
        return Branch(self.label, self.sort, cont, self.peer)

    def with_peer(self, peer: str | None) -> Branch:
        """This branch with another ``peer`` field (``None``: the node's own peer)."""
        return Branch(self.label, self.sort, self.cont, peer)


def _check_peers(kind: str, default: str, branches: tuple[Branch, ...]) -> None:
    """The canonical form of per-branch peers (module docstring); ``ValueError`` otherwise."""
    for i, b in enumerate(branches):
        if b.peer is not None and (i == 0 or b.peer == default):
            raise ValueError(
                f"{kind} branch {b.label!r} names peer {b.peer!r}: the first branch and a "
                f"branch to {default!r} keep peer None (their peer is the node's)"
            )


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Comm(Node):
    """Global message from ``sender`` to ``receiver`` with one or more branches."""

    shape: ClassVar[Shape] = Shape.COMM

    sender: str
    receiver: str
    branches: tuple[Branch, ...]
    place: Place | None = field(default=None, kw_only=True, compare=False)

    def __post_init__(self) -> None:
        for b in self.branches:  # inline: directed nodes (most) pay one loop, no call
            if b.peer is not None:
                _check_peers("Comm", self.receiver, self.branches)
                return


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Send(Node):
    """Local send (one branch) or select (several) towards ``partner``.

    A non-directed select sends some branches to other peers (``Branch.peer``); ``partner``
    is then the first branch's peer.
    """

    shape: ClassVar[Shape] = Shape.PEER

    partner: str
    branches: tuple[Branch, ...]

    def __post_init__(self) -> None:
        for b in self.branches:  # inline: directed nodes (most) pay one loop, no call
            if b.peer is not None:
                _check_peers("Send", self.partner, self.branches)
                return


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Recv(Node):
    """Local receive (one branch) or branch (several) from ``partner``."""

    shape: ClassVar[Shape] = Shape.PEER

    partner: str
    branches: tuple[Branch, ...]

    def __post_init__(self) -> None:
        for b in self.branches:
            if b.peer is not None:
                raise ValueError(
                    f"Recv branch {b.label!r} names peer {b.peer!r}: receives are directed"
                )


GlobalType: TypeAlias = End | Comm | Mu | Var
Path: TypeAlias = tuple[int, ...]
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
            kids: tuple[AnyType, ...] = children(x)  # type: ignore[assignment]
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
    if all(k is c for k, c in zip(kids, children(t), strict=True)):
        return t
    if isinstance(t, Mu):
        return Mu(t.var, kids[0], place=t.place)
    branches = tuple(
        Branch(b.label, b.sort, k, b.peer)
        for b, k in zip(t.branches, kids, strict=True)  # type: ignore[union-attr]
    )
    if isinstance(t, Comm):
        return Comm(t.sender, t.receiver, branches, place=t.place)
    return type(t)(t.partner, branches)  # type: ignore[call-arg, union-attr]


def substitute(t: AnyType, var: str, replacement: AnyType) -> AnyType:
    """Return ``t`` with free occurrences of ``var`` replaced by ``replacement``."""

    def leaf(x: AnyType) -> AnyType | None:
        if isinstance(x, Var):
            return replacement if x.var == var else x
        if isinstance(x, End) or (isinstance(x, Mu) and x.var == var):
            return x
        return None if isinstance(x, Node) else x

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


def distinct_nodes(t: AnyType) -> Iterator[AnyType]:
    """Every node of ``t`` once (a node shared by several branches is yielded once), in
    pre-order: a node before its branches, the first branch's nodes before the second's."""
    stack: list[AnyType] = [t]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        if isinstance(x, Mu):
            stack.append(x.body)
        elif isinstance(x, (Comm, Send, Recv)):
            stack.extend(reversed([b.cont for b in x.branches]))


def payload_sorts(t: AnyType) -> frozenset[PayloadSort]:
    """Every payload sort a branch of ``t`` carries."""
    return frozenset(
        b.sort for x in distinct_nodes(t) if isinstance(x, (Comm, Send, Recv)) for b in x.branches
    )


def user_sorts(t: AnyType) -> tuple[str, ...]:
    """The names of the user sorts ``t`` carries, tuple components included, sorted."""
    names = {
        part.name
        for sort in payload_sorts(t)
        for part in component_sorts(sort)
        if isinstance(part, UserSort)
    }
    return tuple(sorted(names))


def peer_of(t: Comm | Send | Recv, branch: Branch) -> str:
    """The role ``branch`` of ``t`` goes to (``Comm``, ``Send``) or comes from (``Recv``)."""
    if branch.peer is not None:
        return branch.peer
    return t.receiver if isinstance(t, Comm) else t.partner


def peers(t: Comm | Send | Recv) -> tuple[str, ...]:
    """Each branch's peer, in branch order (see ``peer_of``)."""
    return tuple(peer_of(t, b) for b in t.branches)


def is_directed(t: Comm | Send | Recv) -> bool:
    """Whether every branch of ``t`` goes to one peer (its ``receiver`` / ``partner``)."""
    return all(b.peer is None for b in t.branches)


def with_peers(peered: Iterable[tuple[str, Branch]]) -> tuple[str, tuple[Branch, ...]]:
    """The node peer and canonical branches of ``(peer, branch)`` pairs (first peer leads).

    Each branch's own ``peer`` field is replaced: ``None`` when its peer is the first one's.
    """
    pairs = list(peered)
    first = pairs[0][0]
    return first, tuple(b.with_peer(None if p == first else p) for p, b in pairs)


def comm_text(sender: str, to: Iterable[str], items: Iterable[str]) -> str:
    """A message or choice as text: ``A -> B: x``, ``A -> B: {x, y}``, or ``A -> {B: x, C: y}``
    when its branches go to different peers (``to``: each branch's peer; ``items``: each
    branch's label, or label and sort)."""
    peered, shown = tuple(to), tuple(items)
    if len(set(peered)) > 1:
        return (
            f"{sender} -> {{{', '.join(f'{p}: {i}' for p, i in zip(peered, shown, strict=True))}}}"
        )
    body = shown[0] if len(shown) == 1 else f"{{{', '.join(shown)}}}"
    return f"{sender} -> {peered[0] if peered else ''}: {body}"


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
