"""The explorer's model: one protocol on a ``World``, the actions a user takes, and a history.

Invariants:
- all explorer behaviour lives here (with ``journal``, ``inputs`` and ``panels``); the widget
  only calls these methods and draws what they return; nothing here imports ipywidgets,
  IPython, pandas, graphviz or the view and render layers (the pictures are drawn from
  ``world`` by ``aura_kit.widgets.explorer_widget``);
- each action is the same ``World`` call as the scenario step of the same meaning (open ->
  ``open``, step -> ``step_all``, queue -> ``queue``, transfer, attenuate, attack ->
  ``World.attack``), looked up in one explicit table (``ACTIONS``);
- the sessions, authorities, tasks, rounds and stale handles are the ``World``'s: each role is
  played by its own authority (named after the role) through its own ``HostTask``, and a round
  gives a send with nothing queued a demo payload of its sort;
- every action returns an ``ActionResult`` and never raises: a refusal or failure is in the
  result (and in ``last_result``), and the state is whatever the runtime left (refusals
  change nothing);
- ``history`` holds every applied action since the last ``open``; ``back()`` rebuilds the
  world from scratch and replays all but the last one (the session id is fixed per model),
  so a step back is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aura_kit.ownership import (
    CompositionManifest,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)
from aura_kit.protocol import Protocol

from . import panels
from .action_result import ActionResult, NotOpen, moved_text
from .attacks import AttackKind, error_name
from .catalog import bundled_protocols, load_bundled
from .inputs import payload_bytes, select_labels
from .journal import Journal
from .world import World

if TYPE_CHECKING:
    from aura_kit.runtime import OwnedVmSession

__all__ = [
    "ActionResult",
    "AttackKind",
    "ExplorerModel",
    "NotOpen",
    "bundled_protocols",
    "payload_bytes",
]

PLAY_LIMIT = 50


class ExplorerModel:
    """The explorer's state: see the module invariants."""

    def __init__(
        self,
        protocol: Protocol,
        *,
        policy: OwnershipPolicy | str = "narrow",
        session_id: SessionId | None = None,
    ) -> None:
        self.protocol = protocol
        self.policy = policy
        self.session_id = session_id or SessionId.new()
        self.manifest = CompositionManifest.for_protocol(protocol, protocol.name.lower())
        self.history: list[tuple[str, tuple[Any, ...]]] = []
        self.last_result: ActionResult | None = None
        self.actions: dict[str, Callable[..., ActionResult]] = {
            "open": self._do_open,
            "step": self._do_step,
            "queue_payload": self._do_queue_payload,
            "queue_choice": self._do_queue_choice,
            "transfer": self._do_transfer,
            "attenuate": self._do_attenuate,
            "attack": self._do_attack,
        }
        self._reset()

    @classmethod
    def for_name(
        cls, name: str | None = None, *, policy: OwnershipPolicy | str = "narrow"
    ) -> ExplorerModel:
        """A model of a bundled protocol (default: TwoBuyer, else the first one)."""
        return cls(load_bundled(name), policy=policy)

    def _reset(self) -> None:
        self.world = World(
            self.protocol,
            {role.lower(): role for role in self.protocol.roles},
            manifest=self.manifest,
            session_id=self.session_id,
            policy=explorer_policy(self.policy),
            demo_payloads=True,
            stuck_is_error=False,
        )
        self.journal = Journal()

    # -- state -------------------------------------------------------------------------------
    @property
    def rounds(self) -> int:
        """Rounds played since open (each gives every unfinished role one turn)."""
        return self.world.passes

    @property
    def local_types(self) -> dict[str, Any]:
        """Each role's projected local type."""
        return self.world.local_types

    @property
    def is_open(self) -> bool:
        """Whether the sessions are open."""
        return set(self.world.sessions) == set(self.world.roles)

    @property
    def complete(self) -> bool:
        """Whether every role has finished the protocol."""
        return self.is_open and self.world.done()

    def owner(self, role: str) -> RuntimeSessionOwner:
        """The current owner handle of ``role``'s session."""
        return self._session(role, "owner").owner()

    def _session(self, role: str, action: str) -> OwnedVmSession:
        """``role``'s open session: ``KeyError`` naming the roles, or ``NotOpen``."""
        if role not in self.world.authority_of:
            roles = list(self.world.roles)
            raise KeyError(f"no role {role!r} in {self.protocol.name}; roles: {roles}")
        if role not in self.world.sessions:
            raise NotOpen(action)
        return self.world.sessions[role]

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
        try:
            result = self.actions[name](*args)
        except Exception as error:  # the explorer shows every error instead of raising it
            message = f"{name} failed: {error_name(error)}: {error}"
            result = ActionResult(action=name, ok=False, message=message, error=error)
        self.journal.collect_world(self.rounds, self.world)
        return self._record(result)

    def _record(self, result: ActionResult) -> ActionResult:
        self.last_result = result
        return result

    def _do_open(self) -> ActionResult:
        self._reset()
        for role in self.world.roles:
            self.world.open(role, f"{role.lower()}-owner")
        message = f"opened {self.protocol.name} for {', '.join(self.world.roles)}"
        return ActionResult(action="open", ok=True, message=message)

    def _do_step(self) -> ActionResult:
        if not self.is_open:
            raise NotOpen("step")
        if self.complete:
            return ActionResult(action="step", ok=False, message="the protocol is complete")
        moves = [f"{o.role} {o.step_result}/{o.wait_status}" for o in self.world.step_all()]
        done = " · complete" if self.complete else ""
        message = f"round {self.rounds}: {'; '.join(moves)}{done}"
        return ActionResult(action="step", ok=True, message=message)

    def _do_queue_payload(self, role: str, text: str) -> ActionResult:
        self._session(role, "queue_payload")
        self.world.queue(role, payloads=[payload_bytes(text)])
        return ActionResult(action="queue_payload", ok=True, message=f"{role}: queued {text}")

    def _do_queue_choice(self, role: str, label: str) -> ActionResult:
        self._session(role, "queue_choice")
        offered = select_labels(self.local_types[role])
        if label not in offered:
            message = f"{role} never selects {label!r}; it can select {list(offered)}"
            return ActionResult(action="queue_choice", ok=False, message=message)
        self.world.queue(role, choices=[label])
        return ActionResult(action="queue_choice", ok=True, message=f"{role}: queued {label}")

    def _do_transfer(self, role: str, widen: bool) -> ActionResult:
        session = self._session(role, "transfer")
        old = session.owner()
        label = f"{role.lower()}-delegate{len(self.world.stale.get(role, ())) + 1}"
        self.world.transfer(role, label, Scope.SESSION if widen else None)
        return ActionResult(
            action="transfer", ok=True, message=moved_text(role, old, session.owner())
        )

    def _do_attenuate(self, role: str) -> ActionResult:
        session = self._session(role, "attenuate")
        old = session.owner()
        self.world.attenuate(role)
        message = moved_text(role, old, session.owner())
        return ActionResult(action="attenuate", ok=True, message=message)

    def _do_attack(self, kind: AttackKind, role: str) -> ActionResult:
        self._session(role, "attack")
        if kind is AttackKind.STALE_HANDLE and not self.world.stale.get(role):
            message = f"{kind}: {role} has no stale handle yet; transfer or attenuate first"
            return ActionResult(action="attack", ok=False, message=message)
        attack = self.world.attack(role, kind)
        if not attack.refused:
            authority = self.world.authority_of[role]
            self.journal.add_note(self.rounds, authority, "attack.passed", attack.summary())
        return ActionResult(
            action="attack", ok=attack.refused, message=attack.summary(), error=attack.error
        )

    # -- pictures and tables -----------------------------------------------------------------
    def status_line(self) -> str:
        """One line: protocol, round, each role's coroutine status and owner generation."""
        if not self.is_open:
            return f"{self.protocol.name}: sessions not open"
        roles = ", ".join(panels.role_status(self.world, role) for role in self.world.roles)
        done = " · complete" if self.complete else ""
        return f"{self.protocol.name} · round {self.rounds} · {roles}{done}"

    def buffers_text(self) -> str:
        """Per role: status, queued payloads and choices, and messages waiting in its inbox."""
        if not self.is_open:
            return "no sessions open"
        return "\n".join(
            line for r in self.world.roles for line in panels.buffer_lines(self.world, r)
        )

    def event_rows(
        self, last: int | None = None, *, routine: bool = False
    ) -> list[tuple[int, int, str, str, str, str]]:
        """The journal (runtime and machine events of every authority) in ``journal.COLUMNS``.

        ``routine=True`` also lists the accepted ``ingress.received`` of every round.
        """
        return self.journal.table(last, routine=routine)


def explorer_policy(policy: OwnershipPolicy | str) -> OwnershipPolicy:
    """The explorer's policy: a value, a preset name (``"kit"``, ``"seed"``), or an attenuation
    mode (``"narrow"``, ``"permissive"``) on top of the kit's other switches."""
    if isinstance(policy, OwnershipPolicy):
        return policy
    if policy in ("kit", "seed"):
        return OwnershipPolicy.named(policy)
    if policy in ("narrow", "permissive"):
        return OwnershipPolicy(attenuation=policy)  # type: ignore[arg-type]
    choices = "an OwnershipPolicy, 'kit', 'seed', 'narrow' or 'permissive'"
    raise ValueError(f"policy must be {choices}, got {policy!r}")
