"""``explain_check``: the ordered ingress checks of an ``EffectSystem``, row by row.

The order is the one ``EffectSystem.assert_owned_choreography_boundary`` runs (its module
invariants, and ``SessionRegistry.ensure`` for the owner part):

1. binding      the current context is bound, to this owner's session;
2. owner record the session has an owner record (else ``MissingOwner``);
3. label        the capability's label is the record's (else ``StaleOwner``);
4. session      the capability is for this session;
5. generation   the capability's generation and scope are the record's;
6. tag          the capability's tag is the one the system issued (only under the
                ``tag`` capability check; the seed's ``fields`` check skips it);
7. boundary     the record's scope allows the boundary (``boundary=None``: the scope must be
                the whole session, as ``assert_owned_choreography_session`` demands).

Invariants:
- the rows are computed from public reads (``current_session_id``, ``owner_record``,
  ``policy``) and change nothing; the first failing row ends the checks, the rest are
  *not reached*;
- the real check is then run once in the same context: its refusal (or its pass) must be
  the one the first failing row predicts, else ``ExplainMismatch`` is raised, so a table
  that disagrees with the runtime is never shown.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aura_kit.errors import AuraKitError
from aura_kit.lab import error_name
from aura_kit.ownership import LinkBoundary, OwnerRecord, RuntimeSessionOwner, Scope
from aura_kit.runtime import EffectSystem, HostTask, SessionIngressError

from .errors import ExplainMismatch
from .table import Table


class CheckStatus(StrEnum):
    """How one ordered check ended."""

    PASS = "pass"
    FAIL = "fail"
    NOT_REACHED = "not reached"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckRow:
    """One ordered check: its name, status, what it compared and the refusal it gives."""

    check: str
    status: CheckStatus
    detail: str
    refusal: str  # the error name a failure here raises


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckExplanation:
    """The ordered checks for one owner at one boundary, and the runtime's real answer."""

    rows: tuple[CheckRow, ...]
    raised: SessionIngressError | None

    @property
    def passed(self) -> bool:
        """True when every check passed (the runtime let the owner through)."""
        return self.raised is None

    @property
    def failed_check(self) -> str | None:
        """The name of the failing check, if any."""
        return next((r.check for r in self.rows if r.status is CheckStatus.FAIL), None)

    def table(self) -> Table:
        """The rows as a table; the failing row highlighted."""
        rows = tuple((r.check, r.status.value, r.detail) for r in self.rows)
        marked = frozenset(i for i, r in enumerate(self.rows) if r.status is CheckStatus.FAIL)
        if self.raised is None:
            title = "every check passed"
        else:
            title = f"refused at {self.failed_check}: {error_name(self.raised)}"
        return Table(
            title=title, columns=("check", "result", "detail"), rows=rows, highlight=marked
        )

    def __str__(self) -> str:
        return self.table().text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        table = self.table()
        return {"text/plain": table.text(), "text/html": table.html()}


# one check's test: (passed, what it compared)
_Test = Callable[[], tuple[bool, str]]


def explain_check(
    effects: EffectSystem,
    owner: RuntimeSessionOwner,
    boundary: LinkBoundary | None,
    *,
    task: HostTask | None = None,
) -> CheckExplanation:
    """Why ``owner`` passes or fails at ``boundary`` here (in ``task`` when given)."""
    if not isinstance(owner, RuntimeSessionOwner):
        raise TypeError(f"explain_check needs a RuntimeSessionOwner, got {type(owner).__name__}")
    with task if task is not None else contextlib.nullcontext():
        rows = _rows(effects, owner, boundary)
        raised = _real_check(effects, owner, boundary)
    _agree(rows, raised)
    return CheckExplanation(rows=rows, raised=raised)


def _rows(
    effects: EffectSystem, owner: RuntimeSessionOwner, boundary: LinkBoundary | None
) -> tuple[CheckRow, ...]:
    cap = owner.capability
    record: OwnerRecord | None = effects.owner_record(owner.session_id)
    seed = effects.policy.live_errors == "seed"
    rejected = "InvalidIngressRouting(CapabilityRejected)"

    def on_record(test: Callable[[OwnerRecord], tuple[bool, str]]) -> _Test:
        return lambda: test(record) if record is not None else (False, "no record")

    checks: list[tuple[str, str, _Test]] = [
        ("binding", _binding_refusal(effects), lambda: _binding(effects, owner)),
        ("owner record", rejected if seed else "MissingOwner", lambda: _has_record(record)),
        (
            "label",
            rejected if seed else "StaleOwner",
            on_record(lambda r: _same("label", cap.owner_label, r.owner_label)),
        ),
        ("session", rejected, lambda: _same("session", cap.session_id, owner.session_id)),
        ("generation and scope", rejected, on_record(lambda r: _generation(cap, r))),
        ("tag", rejected, on_record(lambda r: _tag(effects, owner))),
        _scope_check(boundary, record, seed),
    ]
    return _run(checks, skip_tag=effects.policy.capability_check != "tag")


def _run(checks: list[tuple[str, str, _Test]], *, skip_tag: bool) -> tuple[CheckRow, ...]:
    rows: list[CheckRow] = []
    failed = False
    for name, refusal, test in checks:
        if failed:
            rows.append(
                CheckRow(check=name, status=CheckStatus.NOT_REACHED, detail="", refusal=refusal)
            )
            continue
        if name == "tag" and skip_tag:
            detail = "the seed's fields check does not verify the tag"
            rows.append(CheckRow(check=name, status=CheckStatus.SKIPPED, detail=detail, refusal=""))
            continue
        ok, detail = test()
        status = CheckStatus.PASS if ok else CheckStatus.FAIL
        rows.append(CheckRow(check=name, status=status, detail=detail, refusal=refusal))
        failed = not ok
    return tuple(rows)


def _binding_refusal(effects: EffectSystem) -> str:
    bound = effects.current_session_id()
    detail = "MissingTaskBinding" if bound is None else "SessionBindingMismatch"
    return f"InvalidIngressRouting({detail})"


def _binding(effects: EffectSystem, owner: RuntimeSessionOwner) -> tuple[bool, str]:
    bound = effects.current_session_id()
    if bound is None:
        return False, "the current context is bound to no session"
    if bound != owner.session_id:
        return False, f"the context is bound to session {bound}, not {owner.session_id}"
    return True, "the context is bound to this session"


def _has_record(record: OwnerRecord | None) -> tuple[bool, str]:
    if record is None:
        return False, "the session has no owner record (ended, cancelled or never started)"
    return True, f"owned by {record.owner_label} at generation {record.generation}"


def _same(what: str, presented: object, current: object) -> tuple[bool, str]:
    if presented != current:
        return False, f"{what} {presented} presented, the record holds {current}"
    return True, f"{what} {presented}"


def _generation(cap: Any, record: OwnerRecord) -> tuple[bool, str]:
    presented = f"generation {cap.generation}, scope {cap.scope}"
    current = f"generation {record.generation}, scope {record.scope}"
    if cap.generation != record.generation or cap.scope != record.scope:
        return False, f"{presented} presented, the record holds {current}"
    return True, presented


def _tag(effects: EffectSystem, owner: RuntimeSessionOwner) -> tuple[bool, str]:
    # Reached only when label, session, generation and scope matched, so the owner check can
    # fail here on the tag alone; the record never hands out the tag to compare with.
    try:
        effects.ensure_owner(owner)
    except AuraKitError:
        return False, "the tag is not the one this effect system issued for these fields"
    return True, "the tag is the one this effect system issued"


def _scope_check(
    boundary: LinkBoundary | None, record: OwnerRecord | None, seed: bool
) -> tuple[str, str, _Test]:
    if boundary is None:
        refusal = "InvalidIngressRouting(" + (
            "BoundaryScopeRejected)" if seed else "FullSessionCapabilityRequired)"
        )

        def whole() -> tuple[bool, str]:
            scope = record.scope if record is not None else Scope.SESSION
            if not scope.is_session:
                return False, f"scope {scope} is not the whole session"
            return True, "scope session covers the whole session"

        return "boundary (whole session)", refusal, whole

    def allowed() -> tuple[bool, str]:
        scope = record.scope if record is not None else Scope.SESSION
        if not boundary.is_allowed_by(scope):
            return False, f"scope {scope} does not cover {boundary}"
        return True, f"scope {scope} covers {boundary}"

    return "boundary", "InvalidIngressRouting(BoundaryScopeRejected)", allowed


def _real_check(
    effects: EffectSystem, owner: RuntimeSessionOwner, boundary: LinkBoundary | None
) -> SessionIngressError | None:
    try:
        if boundary is None:
            effects.assert_owned_choreography_session(owner)
        else:
            effects.assert_owned_choreography_boundary(owner, boundary)
    except SessionIngressError as error:
        return error
    return None


def _agree(rows: tuple[CheckRow, ...], raised: SessionIngressError | None) -> None:
    failing = next((r for r in rows if r.status is CheckStatus.FAIL), None)
    explained = "a pass" if failing is None else f"{failing.refusal} at {failing.check}"
    actual = "a pass" if raised is None else error_name(raised)
    if (failing is None) != (raised is None) or (
        failing is not None and raised is not None and failing.refusal != error_name(raised)
    ):
        raise ExplainMismatch("explain_check", explained, actual)
