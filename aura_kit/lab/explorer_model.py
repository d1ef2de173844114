"""The explorer's model: one protocol on a ``World``, the actions a user takes, and a history.

Invariants:
- all explorer behaviour lives here (with ``journal``, ``inputs``, ``panels`` and
  ``explorer_moves``); the widget only calls these methods and draws what they return;
  nothing here imports ipywidgets, IPython, pandas, graphviz or the view and render layers
  (``run_figure`` goes through the same lazy display seam as the core's pictures);
- each action is the same ``World`` call as the scenario step of the same meaning (open ->
  ``open``, step -> ``step_all``, queue -> ``queue``, transfer, attenuate, attack ->
  ``World.attack``), looked up in one explicit table (``actions``); ``take(move)`` is one
  role's rounds (``World.round``) until that one move is done;
- the sessions, authorities, tasks, rounds, passes and stale handles are the ``World``'s: each
  role is played by its own authority (named after the role) through its own ``HostTask``, and
  a round gives a send with nothing queued a demo payload of its sort;
- every action returns an ``ActionResult`` and never raises: a refusal or failure is in the
  result (and in ``last_result``), and the state is whatever the runtime left (refusals
  change nothing);
- ``history`` holds every action since the last ``open`` that changed the world (an action
  that changed nothing is reported and not recorded); ``play`` is one action however many
  passes it took; ``back()`` rebuilds the world from scratch, opens it again and replays all
  but the last action (the session id is fixed per model), so a step back is exact, and a
  step back right after ``open`` keeps the sessions open;
- ``step`` and ``play`` never run a pass when no role can move: they say who waits for
  what; ``play`` also stops when the run comes back to a state it was in (a loop) and names
  the choices that would leave it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aura_kit._display import figure_for
from aura_kit.machine.values import RECV_KINDS, SEND_KINDS, MachineEvent
from aura_kit.ownership import (
    CompositionManifest,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)
from aura_kit.protocol import Protocol, load_protocol, parse_protocol
from aura_kit.protocol.types import End, unfold

from . import panels
from .action_result import ActionResult, NotOpen, moved_text
from .attacks import AttackKind, attack_words, error_name
from .catalog import bundled_protocols, load_bundled
from .demo_payloads import current_local_type
from .explorer_moves import Move, MoveKind, enabled_moves, loop_exits, situation
from .inputs import InvalidPayload, payload_for_send, select_labels, upcoming_sends
from .journal import Journal
from .world import World

if TYPE_CHECKING:
    from aura_kit.runtime import OwnedVmSession

__all__ = [
    "ActionResult",
    "AttackKind",
    "ExplorerModel",
    "Move",
    "NotOpen",
    "bundled_protocols",
]

PLAY_LIMIT = 50
TAKE_ROUNDS = 4  # rounds of one role that one move may need (deliver, take in, send)
POLICIES = ("kit", "seed")


class ExplorerModel:
    """The explorer's state: see the module invariants."""

    def __init__(
        self,
        protocol: Protocol,
        *,
        policy: OwnershipPolicy | str = "kit",
        session_id: SessionId | None = None,
    ) -> None:
        self.protocol = protocol
        self.policy = policy
        self.session_id = session_id or SessionId.new()
        self.manifest = CompositionManifest.for_protocol(protocol, protocol.name.lower())
        self.history: list[tuple[str, tuple[Any, ...]]] = []
        self.opened = False
        self.last_result: ActionResult | None = None
        self.actions: dict[str, Callable[..., ActionResult]] = {
            "step": self._do_step,
            "play": self._do_play,
            "take": self._do_take,
            "queue_payload": self._do_queue_payload,
            "queue_choice": self._do_queue_choice,
            "transfer": self._do_transfer,
            "attenuate": self._do_attenuate,
            "attack": self._do_attack,
        }
        self._reset()

    @classmethod
    def for_name(
        cls, name: str | None = None, *, policy: OwnershipPolicy | str = "kit"
    ) -> ExplorerModel:
        """A model of a bundled protocol (default: TwoBuyer, else the first one)."""
        return cls(load_bundled(name), policy=policy)

    @classmethod
    def for_protocol(
        cls, protocol: Protocol | Path | str, *, policy: OwnershipPolicy | str = "kit"
    ) -> ExplorerModel:
        """A model of a ``Protocol``, a protocol file, ``.choreo`` text or a bundled name."""
        if isinstance(protocol, Protocol):
            return cls(protocol, policy=policy)
        if isinstance(protocol, str) and "{" in protocol:
            return cls(parse_protocol(protocol, source="<explorer>"), policy=policy)
        if isinstance(protocol, str) and protocol in bundled_protocols():
            return cls.for_name(protocol, policy=policy)
        return cls(load_protocol(protocol), policy=policy)

    def _reset(self) -> None:
        self.world = World(
            self.protocol,
            {role.lower(): role for role in self.protocol.roles},
            manifest=self.manifest,
            session_id=self.session_id,
            policy=OwnershipPolicy.coerce(self.policy),
            demo_payloads=True,
            stuck_is_error=False,
        )
        self.journal = Journal()

    # -- state -------------------------------------------------------------------------------
    @property
    def passes(self) -> int:
        """Passes played since open (a pass gives every unfinished role one round)."""
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

    def enabled_moves(self) -> list[Move]:
        """What each role can do now: a send, a select (one move per label), or the receive
        of a message that is there; roles in protocol order."""
        return enabled_moves(self.world) if self.is_open else []

    def _can_progress(self) -> bool:
        """Whether a pass could do anything: a move is enabled or a role is ready to end."""
        if self.enabled_moves():
            return True
        return any(
            role not in self.world.complete
            and current_local_type(s, role) is not None
            and s.machine.coroutine_status(s.vm_session_id(), role).value == "ready"
            for role, s in self.world.sessions.items()
        )

    def _fingerprint(self) -> tuple[object, ...]:
        """What an action may change: counters, owner changes, events and queues."""
        world = self.world
        queues = tuple(
            (len(s.handler.queued_payloads), len(s.handler.queued_choices))
            for s in world.sessions.values()
        )
        return (
            world.clock,
            world.passes,
            world.history[-1] if world.history else None,
            world.timeline.count,
            len(world.sessions),
            queues,
        )

    # -- actions -----------------------------------------------------------------------------
    def open(self) -> ActionResult:
        """Start over: one owned session per role, each opened by its authority."""
        self.history = []
        try:
            result = self._do_open()
        except Exception as error:  # the explorer shows every error instead of raising it
            message = f"open failed: {error_name(error)}: {error}"
            result = ActionResult(action="open", ok=False, message=message, error=error)
        self.journal.collect_world(self.passes, self.world)
        return self._record(result)

    def step(self) -> ActionResult:
        """One pass: every unfinished role gets one round (round-robin, protocol order)."""
        return self._run("step", ())

    def play(self, limit: int = PLAY_LIMIT) -> ActionResult:
        """Passes until the protocol completes, no role can move, the run loops, or ``limit``
        passes; one action in the history (one step back undoes all of it)."""
        return self._run("play", (limit,))

    def take(self, move: Move) -> ActionResult:
        """Do exactly ``move`` (one of ``enabled_moves()``): that role's rounds until done."""
        return self._run("take", (move,))

    def back(self) -> ActionResult:
        """Undo the last action by replaying every earlier one from scratch."""
        if not self.history:
            what = "since the sessions were opened" if self.opened else "yet"
            message = f"nothing to undo {what}"
            return self._record(ActionResult(action="back", ok=False, message=message))
        undone, _ = self.history[-1]
        kept = self.history[:-1]
        self.replay(kept)
        message = f"undid {undone}; replayed {len(kept)} action(s)"
        return self._record(ActionResult(action="back", ok=True, message=message))

    def replay(self, actions: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Rebuild the world (opened again if it was) and run ``actions`` on it."""
        self._reset()
        self.history = []
        if self.opened:
            self._do_open()
            self.journal.collect_world(self.passes, self.world)
        for name, args in actions:
            self._run(name, args)
        self.journal.collect_world(self.passes, self.world)

    def with_policy(self, policy: OwnershipPolicy | str) -> ExplorerModel:
        """The same protocol, session id and actions replayed under ``policy``."""
        twin = ExplorerModel(self.protocol, policy=policy, session_id=self.session_id)
        twin.opened = self.opened
        twin.replay(list(self.history))
        twin.last_result = self.last_result
        return twin

    def queue_payload(self, role: str, text: str) -> ActionResult:
        """Queue a payload for ``role``'s next send (checked against that send's sort)."""
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
        before = self._fingerprint()
        try:
            result = self.actions[name](*args)
        except Exception as error:  # the explorer shows every error instead of raising it
            message = f"{name} failed: {error_name(error)}: {short(str(error))}"
            result = ActionResult(action=name, ok=False, message=message, error=error)
        if self._fingerprint() != before:
            self.history.append((name, args))
        self.journal.collect_world(self.passes, self.world)
        return self._record(result)

    def _record(self, result: ActionResult) -> ActionResult:
        self.last_result = result
        return result

    def _do_open(self) -> ActionResult:
        self._reset()
        for role in self.world.roles:
            self.world.open(role, f"{role.lower()}-owner")
        self.opened = True
        message = f"opened {self.protocol.name} for {', '.join(self.world.roles)}"
        return ActionResult(action="open", ok=True, message=message)

    def _waits(self) -> str:
        return "; ".join(situation(self.world, r) for r in self.world.roles)

    def _do_step(self) -> ActionResult:
        if not self.is_open:
            raise NotOpen("step")
        if self.complete:
            return ActionResult(action="step", ok=False, message="the protocol is complete")
        if not self._can_progress():
            return ActionResult(
                action="step", ok=False, message=f"no role can move: {self._waits()}"
            )
        mark = self.world.timeline.count
        self.world.step_all()
        moved = self._moved_since(mark)
        done = " · complete" if self.complete else ""
        message = f"pass {self.passes}: {moved or 'no message moved (internal steps)'}{done}"
        return ActionResult(action="step", ok=True, message=message)

    def _moved_since(self, mark: int) -> str:
        """The messages sent and taken in after timeline entry number ``mark``, in words."""
        words = []
        for entry in self.world.run_timeline().entries_after(mark):
            event = entry.event
            if isinstance(event, MachineEvent) and event.kind in SEND_KINDS | RECV_KINDS:
                verb = "sent" if event.kind in SEND_KINDS else "took in"
                prep = "to" if event.kind in SEND_KINDS else "from"
                words.append(f"{event.role} {verb} {event.label} {prep} {event.peer}")
        return "; ".join(words)

    def _state(self) -> tuple[object, ...]:
        """Where the run is: each role's automaton state, inbox and queues."""
        world = self.world
        inboxes = tuple(
            tuple(e.label for e in world.network.inbox(world.authority_of[r], s.owner().session_id))
            for r, s in world.sessions.items()
        )
        return (
            tuple(sorted(panels.current_states(world).items())),
            inboxes,
            self._fingerprint()[5],
        )

    def _do_play(self, limit: int) -> ActionResult:
        passes = self._play_passes(limit)
        while True:
            try:
                next(passes)
            except StopIteration as done:
                result: ActionResult = done.value
                return result

    def _play_passes(self, limit: int) -> Generator[None, None, ActionResult]:
        """Play's passes, one per ``next``; the final result is the generator's value."""
        if not self.is_open:
            raise NotOpen("play")
        seen = {self._state(): self.passes}
        start, mark = self.passes, self.world.timeline.count
        for _ in range(limit):
            if self.complete:
                break
            if not self._can_progress():
                played = self.passes - start
                message = f"stopped after {played} pass(es): no role can move: {self._waits()}"
                return ActionResult(action="play", ok=False, message=message)
            self.world.step_all()
            self.journal.collect_world(self.passes, self.world)  # rows keep their pass
            state = self._state()
            if state in seen and not self.complete:
                return ActionResult(
                    action="play", ok=False, message=self._loop_text(seen[state], start)
                )
            seen[state] = self.passes
            yield None
        if not self.complete:
            message = f"{self.passes - start} passes and not finished: {self._waits()}"
            return ActionResult(action="play", ok=False, message=message)
        sent = sum(1 for e in self.world.run_timeline().entries_after(mark) if _is_send(e.event))
        message = f"complete after {self.passes - start} pass(es), {sent} message(s) sent"
        return ActionResult(action="play", ok=True, message=message)

    def play_passes(self, limit: int = PLAY_LIMIT) -> Generator[ActionResult, None, None]:
        """Play one pass per ``next`` (for an animation), then its final result; however
        far it got (closing it early is a pause), it is one action in the history."""
        before, start = self._fingerprint(), self.passes
        passes = self._play_passes(limit)
        try:
            while True:
                try:
                    next(passes)
                except StopIteration as done:
                    yield self._record(done.value)
                    return
                except Exception as error:  # shown, not raised, like every action
                    message = f"play failed: {error_name(error)}: {short(str(error))}"
                    yield self._record(
                        ActionResult(action="play", ok=False, message=message, error=error)
                    )
                    return
                self.journal.collect_world(self.passes, self.world)
                message = f"playing: pass {self.passes}"
                yield self._record(ActionResult(action="play", ok=True, message=message))
        finally:
            if self._fingerprint() != before:
                self.history.append(("play", (self.passes - start,)))
            self.journal.collect_world(self.passes, self.world)

    def _loop_text(self, since: int, start: int) -> str:
        exits = [
            f"{label} for {role}"
            for role in self.world.roles
            for label in loop_exits(self.local_types[role])
        ]
        hint = f"; queue {' or '.join(exits)} (Queue choice) to end it" if exits else ""
        return (
            f"stopped at a loop after {self.passes - start} pass(es): from pass {since} the "
            f"run repeats itself{hint}"
        )

    def _do_take(self, move: Move) -> ActionResult:
        if not self.is_open:
            raise NotOpen("take")
        if move not in self.enabled_moves():
            message = f"{move.describe()} is not possible now: {situation(self.world, move.role)}"
            return ActionResult(action="take", ok=False, message=message)
        session = self.world.sessions[move.role]
        if move.kind is MoveKind.SELECT and session.handler.queued_choices[:1] != (move.label,):
            self.world.queue(move.role, choices=[move.label])
        mark = session.machine.event_count
        for _ in range(TAKE_ROUNDS):
            self.world.round(move.role)
            if _comm_count(session.machine.events_since(mark), move.role):
                self._finish_if_done(move.role)
                return ActionResult(action="take", ok=True, message=move.describe())
        message = f"{move.describe()}: not done after {TAKE_ROUNDS} rounds of {move.role}"
        return ActionResult(action="take", ok=False, message=message)

    def _finish_if_done(self, role: str) -> None:
        """A role with nothing left to do gets the rounds that record it as complete."""
        session = self.world.sessions[role]
        for _ in range(TAKE_ROUNDS):
            local = current_local_type(session, role)
            if role in self.world.complete or not (local is None or isinstance(unfold(local), End)):
                return
            self.world.round(role)

    def _do_queue_payload(self, role: str, text: str) -> ActionResult:
        session = self._session(role, "queue_payload")
        local = current_local_type(session, role)
        handler = session.handler
        sends = (
            []
            if local is None
            else upcoming_sends(local, tuple(handler.queued_choices), len(handler.queued_payloads))
        )
        try:
            data = payload_for_send(role, text, sends)
        except InvalidPayload as error:
            return ActionResult(action="queue_payload", ok=False, message=str(error), error=error)
        self.world.queue(role, payloads=[data])
        label = " or ".join(label for label, _ in sends)
        return ActionResult(
            action="queue_payload", ok=True, message=f"{role}: queued {text.strip()} for {label}"
        )

    def _do_queue_choice(self, role: str, label: str) -> ActionResult:
        self._session(role, "queue_choice")
        offered = select_labels(self.local_types[role])
        if label not in offered:
            can = f"it can choose {', '.join(offered)}" if offered else "it makes no choice"
            message = f"{role} never chooses {label!r}; {can}"
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
        session = self._session(role, "attack")
        if kind is AttackKind.STALE_HANDLE and not self.world.stale.get(role):
            message = f"{kind}: {role} has no stale handle yet; transfer or attenuate first"
            return ActionResult(action="attack", ok=False, message=message)
        attack = self.world.attack(role, kind)
        words = attack_words(attack, session.owner())
        if not attack.refused:
            authority = self.world.authority_of[role]
            self.journal.add_note(self.passes, authority, "attack.passed", attack.summary())
        seed = self.seed_verdict(kind, role)
        message = words if seed is None else f"{words} {seed}"
        return ActionResult(action="attack", ok=attack.refused, message=message, error=attack.error)

    def seed_verdict(self, kind: AttackKind | str, role: str) -> str | None:
        """What the seed's policy does with the same attempt now (None under the seed's)."""
        if OwnershipPolicy.coerce(self.policy) == OwnershipPolicy.seed():
            return None
        twin = ExplorerModel(self.protocol, policy="seed", session_id=self.session_id)
        twin.opened = self.opened
        twin.replay(list(self.history))
        if role not in twin.world.sessions or (
            AttackKind(kind) is AttackKind.STALE_HANDLE and not twin.world.stale.get(role)
        ):
            return "The seed: no such handle in its run."
        attempt = twin.world.attack(role, kind)
        if attempt.refused:
            return f"The seed refuses it too ({attempt.error_name})."
        return "The seed would let it in."

    # -- pictures and tables -----------------------------------------------------------------
    def run_figure(self) -> Any:
        """One sequence diagram of the run so far over every authority (a render ``Figure``)."""
        return figure_for(self.world.run_timeline())

    def status_line(self) -> str:
        """One line: protocol, pass, and what each role does or waits for, in words."""
        if not self.is_open:
            return f"{self.protocol.name}: sessions not open (press Open sessions)"
        if self.complete:
            return f"{self.protocol.name} · pass {self.passes} · every role is done · complete"
        return f"{self.protocol.name} · pass {self.passes} · {self._waits()}"

    def buffers_text(self, role: str | None = None) -> str:
        """Per role: situation, owner, queued payloads and choices, and its inbox; the
        block of ``role`` (the one selected) is marked with ``>``."""
        if not self.is_open:
            return "no sessions open"
        lines = []
        for r in self.world.roles:
            head, *rest = panels.buffer_lines(self.world, r)
            if r == role:
                lines += [f"> {head}", *(f"> {line}" for line in rest)]
            else:
                lines += [f"  {head}", *(f"  {line}" for line in rest)]
        return "\n".join(lines)

    def event_rows(
        self, last: int | None = None, *, routine: bool = False
    ) -> list[tuple[int, int, str, str, str, str]]:
        """The journal (runtime and machine events of every authority) in ``journal.COLUMNS``.

        ``routine=True`` also lists the accepted ``ingress.received`` of every round.
        """
        return self.journal.table(last, routine=routine)


def _is_send(event: object) -> bool:
    return isinstance(event, MachineEvent) and event.kind in SEND_KINDS


def _comm_count(events: tuple[MachineEvent, ...], role: str) -> int:
    return sum(1 for e in events if e.role == role and e.kind in SEND_KINDS | RECV_KINDS)


def short(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
