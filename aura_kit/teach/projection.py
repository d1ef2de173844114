"""``explain_projection``: a projection as a rule-by-rule derivation.

The rules are the projection's own (``aura_kit.protocol.projection``): a message is a send
for its sender, a receive for its receiver and skipped by a bystander; a bystander of a
choice merges its projections of the branches; a ``rec`` the role does not occur in is
``end``; ``continue X`` and ``end`` stay as they are.

Invariants:
- every step's local type is what ``project`` gives for that step's global subterm (each is
  computed by ``project`` itself, never by a copy of its rules), so the derivation cannot
  disagree with the kit; the first step's local type is ``project(g, role)``;
- the steps are in reading order (pre-order, branches in source order), with their depth;
- when projection fails, the failing step is the innermost choice whose branches all
  project but do not merge: it is marked ``failed`` and highlighted in both forms, and
  ``error`` holds the kit's ``ProjectionError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    GlobalType,
    LocalType,
    Mu,
    ProjectionError,
    Protocol,
    Var,
    comm_text,
    format_local,
    free_vars,
    is_directed,
    merge_types,
    peer_of,
    peers,
    project,
    roles,
)
from aura_kit.protocol.local import format_branch

from .table import Table


class Rule(StrEnum):
    """The projection rule a step applies."""

    SEND = "send"
    RECEIVE = "receive"
    SKIP = "skip"
    MERGE = "merge"
    REC = "rec"
    REC_ABSENT = "rec, role absent"
    CONTINUE = "continue"
    END = "end"


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivationStep:
    """One rule applied to one global subterm."""

    depth: int
    branch: str | None  # the label of the branch this step starts, if it starts one
    global_text: str
    rule: Rule
    local: LocalType | None  # None when this subterm does not project
    note: str
    failed: bool = False

    @property
    def local_text(self) -> str:
        """The local type's notation, or ``(fails)``."""
        return "(fails)" if self.local is None else _shown(self.local)


@dataclass(frozen=True, slots=True, kw_only=True)
class Derivation:
    """The derivation of one role's projection (``explain_projection``)."""

    role: str
    steps: tuple[DerivationStep, ...]
    result: LocalType | None
    error: ProjectionError | None

    def table(self) -> Table:
        """The steps as a table (the failing merge highlighted)."""
        rows = tuple(
            (
                "  " * s.depth + (f"[{s.branch}] " if s.branch else "") + s.global_text,
                s.rule.value + (" (FAILS)" if s.failed else ""),
                s.local_text,
                s.note,
            )
            for s in self.steps
        )
        marked = frozenset(i for i, s in enumerate(self.steps) if s.failed)
        outcome = "does not project" if self.result is None else _shown(self.result)
        title = f"projection onto {self.role}: {outcome}"
        return Table(
            title=title, columns=("global", "rule", "local", "why"), rows=rows, highlight=marked
        )

    def failing_step(self) -> DerivationStep | None:
        """The highlighted merge, if the projection fails."""
        return next((s for s in self.steps if s.failed), None)

    def step_for(self, local: LocalType) -> DerivationStep | None:
        """The first step (reading order) whose local type is ``local``."""
        return next((s for s in self.steps if s.local is not None and s.local == local), None)

    def __str__(self) -> str:
        return self.table().text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        table = self.table()
        return {"text/plain": table.text(), "text/html": table.html()}


def explain_projection(global_type: GlobalType | Protocol, role: str) -> Derivation:
    """The projection of ``global_type`` onto ``role``, rule by rule."""
    g = global_type.global_type if isinstance(global_type, Protocol) else global_type
    steps: list[DerivationStep] = []
    _Walk(role, steps).walk(g, 0, None)
    result, error = _project(g, role)
    return Derivation(role=role, steps=tuple(steps), result=result, error=error)


def _project(g: GlobalType, role: str) -> tuple[LocalType | None, ProjectionError | None]:
    try:
        return project(g, role), None
    except ProjectionError as error:
        return None, error


def _view(g: Comm, b: Branch, role: str) -> GlobalType:
    """What ``role`` projects in branch ``b``: the branch's message when the role is its peer."""
    if peer_of(g, b) == role:
        return Comm(g.sender, role, (b.with_peer(None),))
    return b.cont  # type: ignore[return-value]


class _Walk:
    """Pre-order walk of a global type, one ``DerivationStep`` per node."""

    def __init__(self, role: str, steps: list[DerivationStep]) -> None:
        self.role = role
        self.steps = steps

    def add(self, depth: int, branch: str | None, text: str, rule: Rule, *more: Any) -> None:
        local, note, *failed = more
        step = DerivationStep(
            depth=depth,
            branch=branch,
            global_text=text,
            rule=rule,
            local=local,
            note=note,
            failed=bool(failed and failed[0]),
        )
        self.steps.append(step)

    def walk(self, g: GlobalType, depth: int, branch: str | None) -> None:
        local, _ = _project(g, self.role)
        if isinstance(g, Comm):
            self.comm(g, local, depth, branch)
        elif isinstance(g, Mu):
            self.rec(g, local, depth, branch)
        elif isinstance(g, Var):
            note = f"jump back to the start of rec {g.var}"
            self.add(depth, branch, f"continue {g.var}", Rule.CONTINUE, local, note)
        else:
            self.add(depth, branch, "end", Rule.END, End(), "the protocol is over")

    def rec(self, g: Mu, local: LocalType | None, depth: int, branch: str | None) -> None:
        body: GlobalType = g.body  # type: ignore[assignment]
        occurs = self.role in roles(body) or bool(free_vars(body) - {g.var})
        if not occurs:
            note = f"{self.role} neither sends nor receives in the loop: it is end"
            self.add(depth, branch, f"rec {g.var}", Rule.REC_ABSENT, local, note)
            return
        note = f"{self.role} takes part in the loop: rec {g.var}.(projection of the body)"
        if isinstance(local, (End, Var)):
            note = f"no message of {self.role} in the body: the loop is {_shown(local)}"
        self.add(depth, branch, f"rec {g.var}", Rule.REC, local, note)
        self.walk(body, depth + 1, None)

    def comm(self, g: Comm, local: LocalType | None, depth: int, branch: str | None) -> None:
        role = self.role
        choice = len(g.branches) > 1
        text = comm_text(g.sender, peers(g), (format_branch(b) for b in g.branches))
        if role == g.sender and not is_directed(g):
            rule, note = Rule.SEND, f"{role} is the sender: {{{g.receiver}!..., ...}}"
        elif role == g.sender:
            rule, note = Rule.SEND, f"{role} is the sender: {g.receiver}!..."
        elif role == g.receiver and is_directed(g):
            rule, note = Rule.RECEIVE, f"{role} is the receiver: {g.sender}?..."
        elif not choice:
            rule, note = Rule.SKIP, f"{role} is not in this message: skip it"
        else:
            rule, note = Rule.MERGE, ""
        failed = False
        if rule is Rule.MERGE:
            note, failed = self.merge_note(g)
        self.add(depth, branch, text, rule, local, note, failed)
        inner = depth + 1 if choice else depth  # a run of messages stays at one depth
        for b in g.branches:
            self.walk(b.cont, inner, b.label if choice else None)  # type: ignore[arg-type]

    def merge_note(self, g: Comm) -> tuple[str, bool]:
        """How the branches' projections merge, and whether this is the failing merge."""
        parts = [_project(_view(g, b, self.role), self.role)[0] for b in g.branches]
        if any(p is None for p in parts):
            return f"{self.role} is not in this choice: merge the branches (a branch fails)", False
        merged: LocalType = parts[0]  # type: ignore[assignment]
        for part in parts[1:]:
            try:
                merged = merge_types(merged, part)  # type: ignore[arg-type]
            except ValueError:
                shown = f"{_shown(merged)} and {_shown(part)}"  # type: ignore[arg-type]
                return f"MERGE FAILS: {shown} do not merge", True
        shown = " | ".join(_shown(p) for p in parts)  # type: ignore[arg-type]
        if self.role in peers(g):
            return f"{self.role} receives some branches: merge {shown}", False
        return f"{self.role} is not in this choice: merge {shown}", False


def _shown(t: LocalType) -> str:
    return format_local(t)
