"""The explorer's model: one protocol, one authority per role, owned sessions and a history.

Invariants:
- all explorer behaviour lives here (with ``attacks`` and ``journal``); the widget only calls
  these methods and draws what they return; nothing here imports ipywidgets or IPython;
- each role is played by its own authority (an ``EffectSystem`` named after the role, all on
  one ``Network``) through its own ``HostTask`` handle, so a call on a role's session acts as
  the same task whichever cell, callback or asyncio task makes it;
- every action returns an ``ActionResult`` and never raises: a refusal or failure is in the
  result (and in ``last_result``), and the state is whatever the runtime left (refusals
  change nothing);
- ``history`` holds every applied action since the last ``open``; ``back()`` rebuilds from
  scratch and replays all but the last one (the session id is fixed per model), so a step
  back is exact;
- a round advances each unfinished role once, in declared role order; a send with nothing
  queued first gets a demo payload of its sort (the queued handler faults on an empty queue).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aura_kit.ownership import (
    ChoreographicRole,
    CompositionManifest,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)
from aura_kit.protocol import Protocol, project_all
from aura_kit.runtime import EffectSystem, HostTask
from aura_kit.widgets.attacks import AttackKind, plan_attack, refusal_name, run_attack
from aura_kit.widgets.catalog import bundled_protocols, load_bundled
from aura_kit.widgets.journal import Journal
from aura_kit.widgets.rounds import advance_seat, role_status, select_labels, session_lines

if TYPE_CHECKING:
    import pandas

    from aura_kit.render.figure import Figure
    from aura_kit.runtime.ingress import OwnedVmSession

__all__ = ["ActionResult", "AttackKind", "ExplorerModel", "Seat", "bundled_protocols"]

PLAY_LIMIT = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResult:
    """What one explorer action did. For an attack, ``ok`` means the runtime refused it."""

    action: str
    ok: bool
    message: str
    error: Exception | None = None

    @property
    def error_name(self) -> str | None:
        """The error's class (with its details' class for routing errors), or None."""
        return None if self.error is None else refusal_name(self.error)  # type: ignore[arg-type]


@dataclass(slots=True)
class Seat:
    """One role as played by its authority: effect system, task handle, session, old handles."""

    role: str
    effects: EffectSystem
    task: HostTask
    session: OwnedVmSession | None = None
    done: bool = False
    stale: list[RuntimeSessionOwner] = field(default_factory=list)

    @property
    def authority(self) -> str:
        """The authority's name."""
        return str(self.effects.authority)


class NotOpen(RuntimeError):
    """An action needs the sessions open (press open first)."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"{action} needs open sessions; open them first")


class ExplorerModel:
    """The explorer's state: see the module invariants."""

    def __init__(
        self, protocol: Protocol, *, policy: str = "narrow", session_id: SessionId | None = None
    ) -> None:
        self.protocol = protocol
        self.policy = policy
        self.session_id = session_id or SessionId.new()
        self.local_types = project_all(protocol.global_type)
        self.manifest = CompositionManifest.for_protocol(protocol, protocol.name.lower())
        self.history: list[tuple[str, tuple[Any, ...]]] = []
        self.last_result: ActionResult | None = None
        self._reset()

    @classmethod
    def for_name(cls, name: str | None = None, *, policy: str = "narrow") -> ExplorerModel:
        """A model of a bundled protocol (default: TwoBuyer, else the first one)."""
        return cls(load_bundled(name), policy=policy)

    def _reset(self) -> None:
        from aura_kit.runtime.transport import Network

        self.network = Network()
        policy = OwnershipPolicy(attenuation=self.policy)  # type: ignore[arg-type]
        roles = self.protocol.roles
        self.seats: dict[str, Seat] = {}
        for role in roles:
            effects = EffectSystem(role.lower(), network=self.network, policy=policy)
            self.seats[role] = Seat(role=role, effects=effects, task=effects.task(role))
        self.peers = {r: ChoreographicRole(r.lower(), i) for i, r in enumerate(roles)}
        self.rounds = 0
        self.journal = Journal()

    # -- state -------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether the sessions are open."""
        return all(seat.session is not None for seat in self.seats.values())

    @property
    def complete(self) -> bool:
        """Whether every role has finished the protocol."""
        return self.is_open and all(seat.done for seat in self.seats.values())

    def seat(self, role: str) -> Seat:
        """The seat of ``role``; ``KeyError`` naming the roles when there is none."""
        if role not in self.seats:
            raise KeyError(f"no role {role!r} in {self.protocol.name}; roles: {list(self.seats)}")
        return self.seats[role]

    def owner(self, role: str) -> RuntimeSessionOwner:
        """The current owner handle of ``role``'s session."""
        return self._session(role, "owner").owner()

    def _session(self, role: str, action: str) -> OwnedVmSession:
        session = self.seat(role).session
        if session is None:
            raise NotOpen(action)
        return session

    # -- actions -----------------------------------------------------------------------------
    def open(self) -> ActionResult:
        """Start over: one owned session per role, each opened by its authority."""
        self.history = []
        return self._run("open", ())

    def step(self) -> ActionResult:
        """One round: every unfinished role advances once."""
        return self._run("step", ())

    def play(self, limit: int = PLAY_LIMIT) -> ActionResult:
        """Rounds until the protocol completes, an error stops it, or ``limit`` rounds."""
        result = self.last_result
        for _ in range(limit):
            result = self.step()
            if not result.ok or self.complete:
                return result
        return self._record(ActionResult(action="play", ok=False, message=f"{limit} rounds"))

    def back(self) -> ActionResult:
        """Undo the last action by replaying every earlier one from scratch."""
        if not self.history:
            return self._record(ActionResult(action="back", ok=False, message="nothing to undo"))
        undone, _ = self.history[-1]
        kept = self.history[:-1]
        self._reset()
        self.history = []
        for name, args in kept:
            self._run(name, args)
        message = f"undid {undone}; replayed {len(kept)} action(s)"
        return self._record(ActionResult(action="back", ok=True, message=message))

    def queue_payload(self, role: str, text: str) -> ActionResult:
        """Queue a payload (JSON text; anything else is sent as a string) for ``role``."""
        return self._run("queue_payload", (role, text))

    def queue_choice(self, role: str, label: str) -> ActionResult:
        """Queue a select label for ``role`` (it must be a label the role can select)."""
        return self._run("queue_choice", (role, label))

    def transfer(self, role: str, *, widen: bool = False) -> ActionResult:
        """Hand ``role``'s session to a new owner label (``widen``: at full-session scope)."""
        return self._run("transfer", (role, widen))

    def attenuate(self, role: str) -> ActionResult:
        """Narrow ``role``'s capability to the manifest's fragments (same owner label)."""
        return self._run("attenuate", (role,))

    def attack(self, kind: AttackKind | str, role: str) -> ActionResult:
        """Try an attack on ``role``'s session; ``ok`` when the runtime refused it."""
        return self._run("attack", (AttackKind(kind), role))

    def _run(self, name: str, args: tuple[Any, ...]) -> ActionResult:
        self.history.append((name, args))
        action: Callable[..., ActionResult] = getattr(self, f"_do_{name}")
        try:
            result = action(*args)
        except Exception as error:  # the explorer shows every error instead of raising it
            message = f"{name} failed: {refusal_name(error)}: {error}"  # type: ignore[arg-type]
            result = ActionResult(action=name, ok=False, message=message, error=error)
        self._collect()
        return self._record(result)

    def _record(self, result: ActionResult) -> ActionResult:
        self.last_result = result
        return result

    def _collect(self) -> None:
        for seat in self.seats.values():
            self.journal.collect_runtime(
                self.rounds, seat.authority, seat.effects.event_log.records
            )
            if seat.session is not None:
                events = seat.session.machine.events
                self.journal.collect_machine(self.rounds, seat.authority, events)

    def _do_open(self) -> ActionResult:
        self._reset()
        roles = tuple(self.peers.values())
        from aura_kit.runtime.ingress import open_owned_manifest_vm_session_admitted

        for role, seat in self.seats.items():
            with seat.task:
                seat.session = open_owned_manifest_vm_session_admitted(
                    seat.effects, self.session_id, roles, self.manifest, role,
                    self.protocol.global_type, self.local_types,
                    owner_label=f"{role.lower()}-owner",
                )  # fmt: skip
        message = f"opened {self.protocol.name} for {', '.join(self.seats)}"
        return ActionResult(action="open", ok=True, message=message)

    def _do_step(self) -> ActionResult:
        if not self.is_open:
            raise NotOpen("step")
        if self.complete:
            return ActionResult(action="step", ok=False, message="the protocol is complete")
        self.rounds += 1
        moves = [advance_seat(seat, self.peers) for seat in self.seats.values() if not seat.done]
        done = " · complete" if self.complete else ""
        message = f"round {self.rounds}: {'; '.join(moves)}{done}"
        return ActionResult(action="step", ok=True, message=message)

    def _do_queue_payload(self, role: str, text: str) -> ActionResult:
        session = self._session(role, "queue_payload")
        with self.seat(role).task:
            session.queue_send_bytes(payload_bytes(text))
        return ActionResult(action="queue_payload", ok=True, message=f"{role}: queued {text}")

    def _do_queue_choice(self, role: str, label: str) -> ActionResult:
        session = self._session(role, "queue_choice")
        offered = select_labels(self.local_types[role])
        if label not in offered:
            message = f"{role} never selects {label!r}; it can select {list(offered)}"
            return ActionResult(action="queue_choice", ok=False, message=message)
        with self.seat(role).task:
            session.queue_choice_label(label)
        return ActionResult(action="queue_choice", ok=True, message=f"{role}: queued {label}")

    def _do_transfer(self, role: str, widen: bool) -> ActionResult:
        seat, session = self.seat(role), self._session(role, "transfer")
        old = session.owner()
        label = f"{role.lower()}-delegate{len(seat.stale) + 1}"
        scope = Scope.SESSION if widen else old.capability.scope
        with seat.task:
            session.transfer_owner(label, scope)
        seat.stale.append(old)
        return ActionResult(action="transfer", ok=True, message=_moved(role, old, session.owner()))

    def _do_attenuate(self, role: str) -> ActionResult:
        seat, session = self.seat(role), self._session(role, "attenuate")
        old = session.owner()
        scope = Scope.fragments(self.manifest.fragment_keys())
        with seat.task:
            session.transfer_owner(old.owner_label, scope)
        seat.stale.append(old)
        message = _moved(role, old, session.owner())
        return ActionResult(action="attenuate", ok=True, message=message)

    def _do_attack(self, kind: AttackKind, role: str) -> ActionResult:
        seat, session = self.seat(role), self._session(role, "attack")
        stale = seat.stale[-1] if seat.stale else None
        plan = plan_attack(
            kind, seat.effects, seat.task, session.owner(), session.routing_boundary(), stale
        )
        if plan is None:
            message = f"{kind}: {role} has no stale copy yet; transfer or attenuate first"
            return ActionResult(action="attack", ok=False, message=message)
        error = run_attack(seat.effects, plan, role)
        if error is None:
            message = f"{kind} PASSED: {_why_passed(kind)}"
            self.journal.add_note(self.rounds, seat.authority, "attack.passed", message)
            return ActionResult(action="attack", ok=False, message=message)
        message = f"{kind} refused: {refusal_name(error)}: {error}"
        return ActionResult(action="attack", ok=True, message=message, error=error)

    # -- pictures and tables -----------------------------------------------------------------
    def status_line(self) -> str:
        """One line: protocol, round, each role's coroutine status and owner generation."""
        if not self.is_open:
            return f"{self.protocol.name}: sessions not open"
        roles = ", ".join(role_status(seat) for seat in self.seats.values())
        done = " · complete" if self.complete else ""
        return f"{self.protocol.name} · round {self.rounds} · {roles}{done}"

    def stale_handles(self) -> dict[str, RuntimeSessionOwner]:
        """Every superseded owner handle, named ``role@label#generation``."""
        return {
            f"{seat.role}@{o.owner_label}#{o.capability.generation}": o
            for seat in self.seats.values()
            for o in seat.stale
        }

    def ownership_figure(self) -> Figure:
        """Authorities, sessions, owners, fragments, transfer history and stale handles."""
        from aura_kit.render.figure import Figure
        from aura_kit.render.ownership import ownership_dot, ownership_text
        from aura_kit.view.ownership import ownership_view

        effects = [seat.effects for seat in self.seats.values()]
        title = f"ownership of {self.protocol.name}"
        view = ownership_view(*effects, stale=self.stale_handles(), title=title)
        return Figure(
            kind="ownership", title=title, dot=ownership_dot(view), text=ownership_text(view)
        )

    def automata_figure(self) -> Figure:
        """Every role's endpoint automaton with its current state marked."""
        from aura_kit.render.automaton import automaton_dot, automaton_text
        from aura_kit.render.figure import Figure
        from aura_kit.view.automaton import automata_view

        current = {r: t for r, t in self._current_types().items() if t is not None}
        title = f"automata of {self.protocol.name}"
        view = automata_view(self.local_types, title=title, order=self.protocol.roles)
        if current:
            view = _with_current(view, self.local_types, current, title, self.protocol.roles)
        return Figure(
            kind="automata", title=title, dot=automaton_dot(view), text=automaton_text(view)
        )

    def automata_figures(self) -> tuple[Figure, ...]:
        """The automata picture as a 1-tuple (the widget shows a list of pictures)."""
        return (self.automata_figure(),)

    def _current_types(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for role, seat in self.seats.items():
            session = seat.session
            if session is None:
                continue
            view = session.machine.view(session.vm_session_id())
            out[role] = next((c.local_type for c in view.coroutines if c.role == role), None)
        return out

    def buffers_text(self) -> str:
        """Per role: status, queued payloads and choices, and messages waiting in its inbox."""
        if not self.is_open:
            return "no sessions open"
        lines: list[str] = []
        for seat in self.seats.values():
            lines.extend(session_lines(seat, self.network, self.session_id))
        return "\n".join(lines)

    def event_table(self, last: int | None = None, *, routine: bool = False) -> pandas.DataFrame:
        """The journal (runtime and machine events of every authority) as a DataFrame.

        ``routine=True`` also lists the accepted ``ingress.received`` of every round.
        """
        return self.journal.to_dataframe(last, routine=routine)


def payload_bytes(text: str) -> bytes:
    """The bytes to queue for ``text``: JSON text as is, anything else as a JSON string."""
    stripped = text.strip()
    if not stripped:
        raise ValueError('payload is empty; expected JSON text such as 42 or "title"')
    try:
        json.loads(stripped)
    except json.JSONDecodeError:
        return json.dumps(stripped).encode("utf-8")
    return stripped.encode("utf-8")


def _moved(role: str, old: RuntimeSessionOwner, new: RuntimeSessionOwner) -> str:
    o, n = old.capability, new.capability
    return (
        f"{role}: {old.owner_label} g{o.generation} [{o.scope}] -> "
        f"{new.owner_label} g{n.generation} [{n.scope}]; the old handle is stale now"
    )


def _why_passed(kind: AttackKind) -> str:
    if kind is AttackKind.WRONG_BOUNDARY:
        return "a full-session owner may cross any boundary; attenuate the owner first"
    return "the runtime accepted it"


def _with_current(
    view: Any, local_types: Any, current: dict[str, Any], title: str, order: tuple[str, ...]
) -> Any:
    """The automata view with current states marked; a state not found is left unmarked."""
    from aura_kit.view.automaton import automata_view
    from aura_kit.view.errors import ViewError

    try:
        return automata_view(local_types, title=title, order=order, current=current)
    except ViewError:
        return view
