"""Projection of global types onto roles (the rules are in docs/protocol-language.md).

Invariants:
- ``Comm(p, q, bs)`` is ``Send(q, ...)`` for ``p``, ``Recv(p, ...)`` for ``q`` and the merge
  of the projected continuations for every other role;
- a non-directed ``Comm`` (branches to different peers, ``types.peer_of``) is a non-directed
  ``Send`` for its sender, with the same peers; every other role sees, per branch, the
  receive ``Recv(p, {l.T})`` when it is that branch's peer and the projected continuation
  otherwise, and those views are merged as a bystander's are: so a role must learn the
  branch from one sender in every branch where its behaviour differs, and when the merge
  fails the error says why in terms of the choice (from different senders, or in some
  branches only);
- a role *occurs* in ``Mu(X, G)`` when it sends or receives in ``G``, or when ``G`` has a free
  variable bound by an enclosing ``Mu`` the role occurs in (an inner loop that can jump back
  to an outer one); this is decided before projecting ``G``;
- ``Mu(X, G)`` is ``end`` when the role does not occur, else ``Mu(X, project(G))``; a
  projected body without communication is that body when it is a jump to an outer loop
  (a free variable other than ``X``), else ``end``;
- a free variable of the type being projected counts as bound by a loop the role occurs in;
- merges run on a stack of suspended steps (no recursion per level);
- full merge: equal types; two ``Recv`` from one partner (union of branches, a shared label
  needs one sort and merged continuations); two ``Mu`` on one variable; nothing else;
- plain merge: all branches project to the same type;
- send-prefix merge (nuScr's, an option): full merge, and also two ``Send`` to one partner with
  the same labels and sorts in the same order merge their continuations label by label
  (``B!m.T1`` and ``B!m.T2`` give ``B!m.(T1 merged with T2)``): the role sends the same
  message whichever branch was taken and learns the branch later;
- branch order: the first type's branches in order, then new labels in order of appearance;
- projections of closed, guarded global types are closed and guarded;
- cost is linear in the number of distinct nodes: a run of one-branch messages is walked in a
  loop (recursion only at choices and ``rec``), a node shared by several branches (the
  fall-through after a choice) is projected once per role and yields one shared local node,
  and a ``ProjectionError`` takes its place from the choice's ``Comm``;
- ``project_all`` cuts the type into runs once for every role (a run ends at a choice, a
  ``rec``, a leaf or a shared node) and indexes each run's messages by role, so a role's
  projection costs its own messages plus the number of runs, not the size of the whole type;
- ``projections(g)`` is the one projection cache: the last ``PROJECTION_CACHE_SIZE`` global
  types (by identity, each kept alive by its entry) with every role projected on first request,
  so opening a session per role projects each role once, not once per session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Generator
from enum import StrEnum

from aura_kit.arguments import check_type
from aura_kit.errors import AuraKitError
from aura_kit.protocol.errors import ProjectionError
from aura_kit.protocol.types import (
    Branch,
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
    comm_text,
    free_vars,
    is_directed,
    labels,
    peer_of,
    peers,
)

_GLOBAL_OR_PROTOCOL = (End, Comm, Mu, Var, Protocol)


class Merge(StrEnum):
    """How a role that is not part of a choice combines the branches it sees."""

    FULL = "full"
    PLAIN = "plain"
    SEND_PREFIX = "send-prefix"


class _NoMerge(AuraKitError):
    """Internal: two local types do not merge."""


# What projecting a rec needs to know of its body: its roles and its free variables.
_Facts = tuple[frozenset[str], frozenset[str]]


def roles(g: GlobalType) -> tuple[str, ...]:
    """Roles that send or receive in ``g``, in order of first appearance."""
    found: dict[str, None] = {}
    stack: list[GlobalType] = [g]
    seen: set[int] = set()
    while stack:
        t = stack.pop()
        if id(t) in seen:  # a shared continuation: its roles are already found
            continue
        seen.add(id(t))
        if isinstance(t, Comm):
            found.setdefault(t.sender)
            found.setdefault(t.receiver)
            for b in t.branches:  # a non-directed choice's other receivers
                if b.peer is not None:
                    found.setdefault(b.peer)
            stack.extend(reversed([b.cont for b in t.branches]))  # type: ignore[misc]
        elif isinstance(t, Mu):
            stack.append(t.body)  # type: ignore[arg-type]
    return tuple(found)


def has_communication(t: LocalType) -> bool:
    """Whether a local type contains any send or receive."""
    if isinstance(t, (Send, Recv)):
        return True
    if isinstance(t, Mu):
        return has_communication(t.body)  # type: ignore[arg-type]
    return False


def merge_types(a: LocalType, b: LocalType, merge: Merge | str = Merge.FULL) -> LocalType:
    """Merge two projections; raises ``ValueError`` when they do not merge."""
    try:
        return _merge(a, b, Merge(merge))
    except _NoMerge:
        raise ValueError(f"local types do not {Merge(merge).value}-merge") from None


def _merge(a: LocalType, b: LocalType, mode: Merge) -> LocalType:
    """Run the merge steps with a stack of suspended steps (no recursion, any depth)."""
    inner = Merge.FULL if mode is Merge.PLAIN else mode  # continuations of a merged pair
    stack = [_merge_steps(a, b, mode)]
    result: LocalType | None = None
    while stack:
        try:
            pair = stack[-1].send(result)
        except StopIteration as finished:
            stack.pop()
            result = finished.value
            continue
        stack.append(_merge_steps(*pair, mode=inner))
        result = None
    assert result is not None
    return result


_Steps = Generator[tuple[LocalType, LocalType], LocalType | None, LocalType]


def _merge_steps(a: LocalType, b: LocalType, mode: Merge) -> _Steps:
    """One merge; yields each pair of continuations to merge and is sent their merge.

    Under full merge, two ``Recv`` from one partner (or two ``Mu`` on one variable) are
    merged part by part without comparing them whole first: equal ones merge to an equal
    type, and a run of such pairs stays linear rather than quadratic.
    """
    if a is b:
        return a
    full = mode is not Merge.PLAIN
    if mode is Merge.SEND_PREFIX and _same_sends(a, b):
        assert isinstance(a, Send) and isinstance(b, Send)
        merged = []
        for left, right in zip(a.branches, b.branches, strict=True):
            cont = yield (left.cont, right.cont)  # type: ignore[misc]
            merged.append(left.with_cont(cont))  # type: ignore[arg-type]
        return Send(a.partner, tuple(merged))
    if full and isinstance(a, Recv) and isinstance(b, Recv) and a.partner == b.partner:
        out = list(a.branches)
        where = {br.label: i for i, br in enumerate(out)}
        for branch in b.branches:
            if branch.label not in where:
                where[branch.label] = len(out)
                out.append(branch)
                continue
            old = out[where[branch.label]]
            if old.sort != branch.sort:
                raise _NoMerge
            cont = yield (old.cont, branch.cont)  # type: ignore[misc]
            assert cont is not None
            out[where[branch.label]] = Branch(old.label, old.sort, cont)
        return Recv(a.partner, tuple(out))
    if full and isinstance(a, Mu) and isinstance(b, Mu) and a.var == b.var:
        body = yield (a.body, b.body)  # type: ignore[misc]
        return Mu(a.var, body)  # type: ignore[arg-type]
    if a == b:
        return a
    raise _NoMerge


def _same_sends(a: LocalType, b: LocalType) -> bool:
    """Two sends to one partner offering the same labels with the same sorts, in order."""
    return (
        isinstance(a, Send)
        and isinstance(b, Send)
        and a.partner == b.partner
        and [(x.label, x.sort, x.peer) for x in a.branches]
        == [(y.label, y.sort, y.peer) for y in b.branches]
    )


def _is_message(t: GlobalType) -> bool:
    return isinstance(t, Comm) and len(t.branches) == 1


# A run: the node after it, and its messages by the roles they involve, in order.
_Run = tuple[GlobalType, dict[str, list[Comm]]]


class _Runs:
    """One global type cut into runs of one-branch messages, shared by every role's projector.

    A run starts at a one-branch ``Comm`` and stops before anything else: a choice, a ``rec``,
    a leaf, or a node that several branches share (which starts its own run), so every
    message belongs to exactly one run and the index costs the type's size once.
    """

    def __init__(self, g: GlobalType) -> None:
        self.shared = _shared_nodes(g)
        self.runs: dict[int, _Run] = {}

    def run(self, start: Comm) -> _Run:
        found = self.runs.get(id(start))
        if found is not None:
            return found
        by_role: dict[str, list[Comm]] = {}
        t: GlobalType = start
        while True:
            assert isinstance(t, Comm)
            by_role.setdefault(t.sender, []).append(t)
            by_role.setdefault(t.receiver, []).append(t)
            t = t.branches[0].cont  # type: ignore[assignment]
            if not _is_message(t) or id(t) in self.shared:
                break
        found = self.runs[id(start)] = (t, by_role)
        return found


def _shared_nodes(g: GlobalType) -> set[int]:
    """Ids of the nodes reached from more than one branch (each distinct node walked once)."""
    seen: set[int] = {id(g)}
    shared: set[int] = set()
    stack: list[GlobalType] = [g]
    while stack:
        t = stack.pop()
        if isinstance(t, Mu):
            kids: list[GlobalType] = [t.body]  # type: ignore[list-item]
        elif isinstance(t, Comm):
            kids = [b.cont for b in t.branches]  # type: ignore[misc]
        else:
            continue
        for kid in kids:
            if id(kid) in seen:
                shared.add(id(kid))
            else:
                seen.add(id(kid))
                stack.append(kid)
    return shared


class _Projector:
    """Projects one global type onto one role; ``facts`` memoises each rec body's facts and
    ``runs`` the type's runs of messages (both may be shared by the projectors of one type)."""

    def __init__(
        self,
        role: str,
        merge: Merge,
        source: str,
        facts: dict[int, _Facts] | None = None,
        runs: _Runs | None = None,
    ) -> None:
        self.role = role
        self.merge = merge
        self.source = source
        self.memo: dict[int, LocalType] = {}
        self.facts = {} if facts is None else facts
        self.runs = runs

    def project(self, t: GlobalType) -> LocalType:
        """Walk the runs of one-branch messages from ``t``, then rebuild them bottom up."""
        runs = self.runs if self.runs is not None else _Runs(t)
        self.runs = runs
        pending: list[tuple[Comm, list[Comm]]] = []
        while isinstance(t, Comm) and len(t.branches) == 1 and id(t) not in self.memo:
            after, by_role = runs.run(t)
            pending.append((t, by_role.get(self.role, [])))
            t = after
        local = self.node(t)
        for start, mine in reversed(pending):
            for comm in reversed(mine):
                local = self.message(comm, local)
            self.memo[id(start)] = local
        return local

    def message(self, t: Comm, cont: LocalType) -> LocalType:
        b = t.branches[0]
        if self.role == t.sender:
            return Send(t.receiver, (Branch(b.label, b.sort, cont),))
        if self.role == t.receiver:
            return Recv(t.sender, (Branch(b.label, b.sort, cont),))
        return cont

    def node(self, t: GlobalType) -> LocalType:
        done = self.memo.get(id(t))
        if done is not None:
            return done
        if isinstance(t, Comm):
            local = self.comm(t)
        elif isinstance(t, Mu):
            local = self.rec(t)
        else:
            return t
        self.memo[id(t)] = local
        return local

    def rec(self, t: Mu) -> LocalType:
        """``rec``: ``end`` unless the role occurs; a silent body is ``end`` or its outer jump.

        Only recs the role occurs in are entered, so every variable bound around ``t`` belongs
        to a rec the role occurs in: a free outer variable of the body makes the role occur.
        """
        body: GlobalType = t.body  # type: ignore[assignment]
        found, free = self.facts_of(body)
        if self.role not in found and not free - {t.var}:
            return End()
        inner = self.project(body)
        if has_communication(inner):
            return Mu(t.var, inner, place=t.place)
        return inner if free_vars(inner) - {t.var} else End()

    def facts_of(self, g: GlobalType) -> _Facts:
        found = self.facts.get(id(g))
        if found is None:
            found = self.facts[id(g)] = (frozenset(roles(g)), free_vars(g))
        return found

    def comm(self, t: Comm) -> LocalType:
        conts = [self.project(b.cont) for b in t.branches]  # type: ignore[arg-type]
        directed = is_directed(t)
        if self.role == t.sender or (directed and self.role == t.receiver):
            pairs = zip(t.branches, conts, strict=True)
            branches = tuple(b.with_cont(c) for b, c in pairs)
            if self.role == t.sender:
                return Send(t.receiver, branches)  # the peers stay canonical: partner is receiver
            return Recv(t.sender, branches)
        views = conts
        if not directed:
            views = [self.view(t, b, c) for b, c in zip(t.branches, conts, strict=True)]
        merged = views[0]
        for view in views[1:]:
            try:
                merged = _merge(merged, view, self.merge)
            except _NoMerge:
                raise self.failure(t, merged, view, views) from None
        return merged

    def view(self, t: Comm, b: Branch, cont: LocalType) -> LocalType:
        """What the role does in branch ``b`` (projected to ``cont``): the opening receive
        when the role is that branch's peer, else ``cont``."""
        if peer_of(t, b) == self.role:
            return Recv(t.sender, (Branch(b.label, b.sort, cont),))
        return cont

    def failure(
        self, t: Comm, left: LocalType, right: LocalType, views: list[LocalType]
    ) -> ProjectionError:
        place = t.place or Place(self.source, 0, 0)
        names = labels(t)
        where = f" at line {place.line}" if place.line else ""
        reason = "" if self.merge is Merge.PLAIN else _why(self.role, names, views)
        message = (
            f"cannot project onto {self.role!r}: choice {comm_text(t.sender, peers(t), names)}"
            f"{where} gives {_shown(left)} and "
            f"{_shown(right)}, which do not {self.merge.value}-merge{reason}"
        )
        return ProjectionError(
            message,
            role=self.role,
            sender=t.sender,
            receiver=t.receiver,
            labels=names,
            peers=peers(t),
            left=left,
            right=right,
            merge=self.merge.value,
            source=place.source,
            line=place.line,
            column=place.column,
        )


def _learns_from(t: LocalType) -> str | None:
    """The sender a role first hears from in ``t`` (through ``rec``), or ``None``."""
    while isinstance(t, Mu):
        t = t.body  # type: ignore[assignment]
    return t.partner if isinstance(t, Recv) else None


def _why(role: str, names: tuple[str, ...], views: list[LocalType]) -> str:
    """Why a role's branch views do not merge, in terms of the choice; empty if no simple reason.

    Either the role learns the branch from different senders in different branches, or it
    learns it in some branches only while its behaviour differs.
    """
    senders = [_learns_from(v) for v in views]
    told = [(n, s) for n, s in zip(names, senders, strict=True) if s is not None]
    untold = [n for n, s in zip(names, senders, strict=True) if s is None]
    if len({s for _, s in told}) > 1:
        (n1, s1), (n2, s2) = told[0], next(x for x in told if x[1] != told[0][1])
        return (
            f": {role} would learn which branch was taken from {s1} in branch {n1!r} but from "
            f"{s2} in branch {n2!r} (a role must learn the branch from one sender)"
        )
    if told and untold:
        (n1, s1), n2 = told[0], untold[0]
        return (
            f": {role} learns which branch was taken from {s1} in branch {n1!r} but is not "
            f"told in branch {n2!r}, where it acts differently"
        )
    return ""


def _shown(t: LocalType) -> str:
    """A local type in an error: its notation, or ``continue X`` for a bare jump."""
    from aura_kit.protocol.local import format_local

    return f"continue {t.var}" if isinstance(t, Var) else format_local(t)


def project(
    g: GlobalType | Protocol,
    role: str,
    merge: Merge | str = Merge.FULL,
    _facts: dict[int, _Facts] | None = None,
    _runs: _Runs | None = None,
) -> LocalType:
    """The local type of ``role`` in ``g`` (a global type or a ``Protocol``).

    A ``ProjectionError`` names the choice's place: nodes read from text carry it, so
    ``project(protocol.global_type, role)`` is located like ``project(protocol, role)``.
    """
    check_type("project g", g, _GLOBAL_OR_PROTOCOL, "a global type or a Protocol")
    check_type("project role", role, str, "a role name (str)")
    if isinstance(g, Protocol):
        return _Projector(role, Merge(merge), g.source, _facts, _runs).project(g.global_type)
    return _Projector(role, Merge(merge), "<global type>", _facts, _runs).project(g)


def project_all(g: GlobalType | Protocol, merge: Merge | str = Merge.FULL) -> dict[str, LocalType]:
    """Local type per role: the declared roles of a ``Protocol``, else ``roles(g)``."""
    check_type("project_all g", g, _GLOBAL_OR_PROTOCOL, "a global type or a Protocol")
    names = g.roles if isinstance(g, Protocol) else roles(g)
    # Shared by every role: each rec body's roles and free variables, and the runs of messages.
    facts: dict[int, _Facts] = {}
    runs = _Runs(g.global_type if isinstance(g, Protocol) else g)
    return {role: project(g, role, merge, facts, runs) for role in names}


PROJECTION_CACHE_SIZE = 8


class Projections:
    """Every role's full-merge projection of one global type, made on first request and kept.

    The roles share one index of runs and of rec facts, so projecting ``n`` roles costs one
    index of the type plus each role's own share, as in ``project_all``.
    """

    def __init__(self, g: GlobalType) -> None:
        self.global_type = g
        self.facts: dict[int, _Facts] = {}
        self.runs = _Runs(g)
        self.done: dict[str, LocalType] = {}
        self.lock = threading.Lock()
        self._roles: tuple[str, ...] | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        """``roles(global_type)``, found once."""
        if self._roles is None:
            self._roles = roles(self.global_type)
        return self._roles

    def project(self, role: str) -> LocalType:
        """``project(global_type, role)``, from the cache after the first time."""
        with self.lock:
            local = self.done.get(role)
            if local is None:
                local = project(self.global_type, role, Merge.FULL, self.facts, self.runs)
                self.done[role] = local
            return local


_cache: OrderedDict[int, Projections] = OrderedDict()
_cache_lock = threading.Lock()


def projections(g: GlobalType) -> Projections:
    """The cached ``Projections`` of ``g`` (last ``PROJECTION_CACHE_SIZE`` types, by identity)."""
    with _cache_lock:
        entry = _cache.get(id(g))
        if entry is not None and entry.global_type is g:
            _cache.move_to_end(id(g))
            return entry
        entry = _cache[id(g)] = Projections(g)
        while len(_cache) > PROJECTION_CACHE_SIZE:
            _cache.popitem(last=False)
        return entry
