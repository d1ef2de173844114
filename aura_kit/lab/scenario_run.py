"""Running a scenario on a ``World``: one row per step, expectations checked as it goes.

Invariants:
- a step's action is looked up in one explicit table (``_Runner.ACTIONS``, the same names
  as ``scenario.ACTIONS``); each one is a ``World`` call (an attack is ``World.attack``);
- steps run in order; the first unmet expectation (an error that should have happened and
  did not, the wrong error, or an unexpected error) stops the run and is reported;
- a step with ``expect.unchanged`` (every attack by default) must leave every authority's
  registries (owner record, generation, fragments, bindings) exactly as they were.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aura_kit.ownership import (
    CompositionManifest,
    ManifestError,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    faults,
)
from aura_kit.protocol import ProtocolError, load_protocol
from aura_kit.runtime import errors as runtime_errors

from .attacks import AttackKind, error_name
from .scenario import Expectation, Scenario, ScenarioError, Step
from .scenario_report import ReportRow, ScenarioReport
from .world import World
from .world_records import RoundOutcome

__all__ = ["ReportRow", "ScenarioReport", "build_world", "run_scenario"]


def build_world(scenario: Scenario, policy: OwnershipPolicy | None = None) -> World:
    """The world a scenario runs in (protocol and manifest problems are ``ScenarioError``).

    ``policy`` overrides the scenario's own ``"policy"`` preset.
    """
    try:
        protocol = load_protocol(scenario.protocol_path)
    except (OSError, ProtocolError) as error:
        raise ScenarioError(scenario.source, "protocol", str(error)) from None
    base = CompositionManifest.for_protocol(protocol, scenario.protocol_id).to_dict()
    base["link_specs"] = [dict(s) for s in scenario.link_specs]
    try:
        manifest = CompositionManifest.from_dict({**base, **scenario.manifest})
    except ManifestError as error:
        raise ScenarioError(scenario.source, f"manifest.{error.path}", error.reason) from None
    try:
        return World(
            protocol,
            scenario.authorities,
            manifest=manifest,
            session_id=scenario.session_id,
            policy=policy or OwnershipPolicy.named(scenario.policy),
        )
    except ValueError as error:
        raise ScenarioError(scenario.source, "authorities", str(error)) from None


def run_scenario(
    scenario: Scenario, policy: OwnershipPolicy | None = None, *, keep_going: bool = False
) -> ScenarioReport:
    """Run every step (under ``policy`` when given); stop at the first unmet expectation,
    or with ``keep_going`` record it and run the remaining steps too."""
    report = ScenarioReport(scenario=scenario, world=build_world(scenario, policy))
    runner = _Runner(report)
    for step in scenario.steps:
        failure = runner.run_step(step)
        if failure is not None and report.failure is None:
            report.failure = f"step {step.index} ({step.do}): {failure}"
        if failure is not None and not keep_going:
            break
    return report


_NO_SESSION_NEEDED = frozenset({"open", "interrupt", "check", "passes", "run"})


class _Runner:
    def __init__(self, report: ScenarioReport) -> None:
        self.report = report
        self.world = report.world
        self.saved: dict[str, RuntimeSessionOwner] = {}
        self.async_mode = report.scenario.driver == "async"
        self.actions: dict[str, Callable[[Step], str]] = {
            "open": self.do_open,
            "interrupt": self.do_interrupt,
            "queue": self.do_queue,
            "round": self.do_round,
            "passes": self.do_passes,
            "run": self.do_run,
            "transfer": self.do_transfer,
            "attenuate": self.do_attenuate,
            "attack": self.do_attack,
            "timeout": self.do_timeout,
            "cancel_while_waiting": self.do_cancel_while_waiting,
            "cancel": self.do_cancel,
            "close": self.do_close,
            "check": self.do_check,
        }

    def run_step(self, step: Step) -> str | None:
        self._check_opened(step)
        # Registries are compared only for an expected failure that must leave them unchanged.
        watch = step.expect is not None and step.expect.unchanged
        before = self.world.registry_snapshot() if watch else None
        try:
            outcome = self.actions[step.do](step)
        except Exception as error:
            self._row(step, _error_text(error))
            after = self.world.registry_snapshot() if watch else None
            return _check_error(step.expect, error, before, after)
        self._row(step, outcome)
        if step.expect is not None:
            return f"expected {step.expect.error} but the step succeeded ({outcome})"
        return None

    def _check_opened(self, step: Step) -> None:
        """A step on a role that no earlier step opened is a ScenarioError, not a KeyError."""
        role = step.role
        if role is None or step.do in _NO_SESSION_NEEDED or role in self.world.sessions:
            return
        reason = f"{role} has no open session yet; an earlier open step must open it"
        raise ScenarioError(self.report.scenario.source, f"steps[{step.index}].role", reason)

    def _row(self, step: Step, outcome: str) -> None:
        role = step.role or ""
        owner = ""
        if role in self.world.sessions:
            label, generation, scope = self.world.owners()[role]
            owner = f"{label} g{generation} {scope}"
        authority = self.world.authority_of.get(role, "")
        row = ReportRow(
            step=step.index,
            action=step.do,
            role=role,
            authority=authority,
            outcome=outcome,
            owner=owner,
        )
        self.report.rows.append(row)

    # -- actions ----------------------------------------------------------------------------
    def do_open(self, step: Step) -> str:
        roles = [step.role] if step.role else list(self.world.roles)
        for role in roles:
            self.world.open(role, step.args.get("label"))
        return "opened " + ", ".join(roles)

    def do_interrupt(self, step: Step) -> str:
        """Open ``role`` with a ``KeyboardInterrupt`` injected at the fault point ``at``."""
        role, at = str(step.role), step.args["at"]
        if type(at) is not str:
            path = f"steps[{step.index}].at"
            raise ScenarioError(self.report.scenario.source, path, "expected a fault point name")
        with faults.inject(at):
            try:
                self.world.open(role)
            except KeyboardInterrupt:
                return f"open of {role} interrupted at {at}"
        path = f"steps[{step.index}].at"
        raise ScenarioError(self.report.scenario.source, path, f"the open never reached {at!r}")

    def do_queue(self, step: Step) -> str:
        role = str(step.role)
        payloads, choices = step.args.get("payloads", []), step.args.get("choices", [])
        self.world.queue(role, payloads, choices)
        return f"queued {len(payloads)} payload(s), {len(choices)} choice(s)"

    def do_round(self, step: Step) -> str:
        role = str(step.role)
        if self.async_mode:
            outcome = asyncio.run(self.world.round_async(role))
        else:
            outcome = self.world.round(role)
        return outcome.summary()

    def do_passes(self, step: Step) -> str:
        passes = step.args["count"]
        outcomes = [o for _ in range(passes) for o in self.world.step_all()]
        progressed = sum(o.progressed for o in outcomes)
        return f"{passes} pass(es): {len(outcomes)} round(s), {progressed} progressed"

    def do_run(self, step: Step) -> str:
        if self.async_mode:
            asyncio.run(self.world.run_async(float(step.args.get("timeout", 5.0))))
        else:
            self.world.run(step.args.get("max_passes", 1000))
        done = ", ".join(sorted(self.world.complete))
        return f"complete: {done}; {self.world.network.sent_count} message(s)"

    def do_transfer(self, step: Step) -> str:
        role = str(step.role)
        self._save(step)
        raw = step.args.get("scope")
        scope = None if raw is None else Scope.SESSION if raw == "session" else Scope.fragments(raw)
        self.world.transfer(role, step.args["to"], scope)
        return f"transferred to {step.args['to']}"

    def do_attenuate(self, step: Step) -> str:
        self._save(step)
        self.world.attenuate(str(step.role), step.args["keys"])
        return f"attenuated to fragments({', '.join(sorted(step.args['keys']))})"

    def _save(self, step: Step) -> None:
        if "save_stale" in step.args:
            self.saved[step.args["save_stale"]] = self.world.sessions[str(step.role)].owner()

    def do_attack(self, step: Step) -> str:
        kind = AttackKind(step.args["attack"])
        handle = None
        if kind is AttackKind.STALE_HANDLE:
            handle = self._saved_handle(step)
        result = self.world.attack(str(step.role), kind, handle=handle, keys=step.args.get("keys"))
        if result.error is not None:
            raise result.error
        return f"{kind} was let in"

    def _saved_handle(self, step: Step) -> RuntimeSessionOwner:
        name = step.args.get("handle", "")
        if name not in self.saved:
            path = f"steps[{step.index}].handle"
            raise ScenarioError(self.report.scenario.source, path, f"no saved handle {name!r}")
        return self.saved[name]

    def do_timeout(self, step: Step) -> str:
        role = str(step.role)
        if self.async_mode or "timeout" in step.args:
            outcome = asyncio.run(
                self.world.round_async(role, float(step.args.get("timeout", 0.05)))
            )
        else:
            outcome = self.world.round_strict(role)
        return outcome.summary()

    def do_cancel_while_waiting(self, step: Step) -> str:
        return asyncio.run(self._cancel_while_waiting(str(step.role))).summary()

    async def _cancel_while_waiting(self, role: str) -> RoundOutcome:
        waiting = asyncio.create_task(self.world.round_async(role, timeout=5.0))
        for _ in range(100):
            await asyncio.sleep(0)
            if waiting.done() or self.world.network.waiting(
                self.world.authority_of[role], self.world.session_id
            ):
                break
        self.world.cancel(role)
        return await waiting

    def do_cancel(self, step: Step) -> str:
        self.world.cancel(str(step.role))
        return "cancelled by the operator"

    def do_close(self, step: Step) -> str:
        if step.role:
            self.world.close(step.role)
            return "closed"
        self.world.close_all()
        return "closed every session"

    def do_check(self, step: Step) -> str:
        w = self.world
        problems = []
        if "complete" in step.args and set(step.args["complete"]) != w.complete:
            problems.append(
                f"complete roles are {sorted(w.complete)}; expected {sorted(step.args['complete'])}"
            )
        for role, label in step.args.get("owners", {}).items():
            actual = w.sessions[role].owner().owner_label
            if actual != label:
                problems.append(f"owner of {role} is {actual}; expected {label}")
        for role, active in step.args.get("active", {}).items():
            if w.is_active(role) != active:
                problems.append(f"{role} active is {w.is_active(role)}; expected {active}")
        if "messages" in step.args and w.network.sent_count != step.args["messages"]:
            problems.append(f"{w.network.sent_count} messages; expected {step.args['messages']}")
        if problems:
            raise AssertionError("; ".join(problems))
        return "as expected"


def _error_text(error: Exception) -> str:
    details = getattr(error, "details", None)
    text = details if isinstance(details, Exception) else getattr(error, "message", None)
    return f"{error_name(error)}: {text or error}"


def _check_error(
    expect: Expectation | None, error: Exception, before: Any, after: Any
) -> str | None:
    if expect is None:
        return f"unexpected {type(error).__name__}: {error}"
    cls = getattr(runtime_errors, expect.error, None)
    if not (isinstance(cls, type) and isinstance(error, cls)):
        return f"raised {type(error).__name__}; expected {expect.error}"
    checks = [
        ("kind", expect.kind, getattr(error, "error_kind", None)),
        ("details", expect.details, type(getattr(error, "details", None)).__name__),
        ("reason", expect.reason, getattr(getattr(error, "reason", None), "name", None)),
    ]
    for name, wanted, actual in checks:
        if wanted is not None and wanted != actual:
            return f"{name} is {actual}; expected {wanted}"
    if expect.message_contains and expect.message_contains not in str(error):
        return f"message {str(error)!r} lacks {expect.message_contains!r}"
    if expect.unchanged and before != after:
        return "the registries changed; expected no change"
    return None
