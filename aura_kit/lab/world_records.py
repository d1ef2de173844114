"""What a ``World`` records and reports: history entries, round outcomes, registry snapshots.

Invariants:
- records are frozen values made after the fact; nothing here changes a world or a registry;
- a round outcome's ``progressed`` is true when the role sent, received or completed;
- a round is handled (injected, continued, completed or turned into an error) unless it is
  stuck with nothing to receive and the caller tolerates that;
- ``payload_bytes`` keeps bytes as they are and writes any other value as JSON (the form the
  default codec decodes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aura_kit.machine.values import StepResult
from aura_kit.ownership import OwnerChange, SessionId
from aura_kit.runtime import EffectSystem, VmBridgeRound, VmHostWaitStatus, VmRoundDisposition


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One ownership change in a world's history: when, where, by which ``World`` call.

    ``change`` is the authority's own record of the change (``EffectSystem.owner_history``);
    the entry adds only what the authority cannot know: the world's round number, the role and
    the call.
    """

    round: int
    authority: str
    role: str
    action: str
    change: OwnerChange

    @property
    def owner_label(self) -> str:
        """The owner after the change (the one that ended, for a close or cancel)."""
        return self.change.owner_label

    @property
    def generation(self) -> int:
        """The generation after the change (the last one, for a close or cancel)."""
        return self.change.generation

    @property
    def scope(self) -> str:
        """The canonical scope after the change (the last one, for a close or cancel)."""
        return self.change.scope


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundOutcome:
    """What one role's round did."""

    round: int
    authority: str
    role: str
    step_result: str
    wait_status: VmHostWaitStatus
    disposition: VmRoundDisposition | None
    received: str | None
    progressed: bool

    def summary(self) -> str:
        """``step continue, wait idle, continue, received Quote`` style text."""
        got = f", received {self.received}" if self.received else ""
        disposition = self.disposition.value if self.disposition else "-"
        return f"step {self.step_result}, wait {self.wait_status.value}, {disposition}{got}"


def needs_handling(result: VmBridgeRound, stuck_is_error: bool = True) -> bool:
    """Whether ``handle_owned_vm_round`` must see the round (it injects, completes or raises).

    Every round is handled except one stuck with nothing to receive (a faulted role) when
    the caller tolerates that (``stuck_is_error=False``); a deferred round is handled (and
    is ``CONTINUE``).
    """
    faulted = result.step is StepResult.STUCK and result.host_wait_status is VmHostWaitStatus.IDLE
    return stuck_is_error or not faulted


def payload_bytes(value: object) -> bytes:
    """Bytes for a payload value: bytes as is, anything else as JSON (the default codec)."""
    return value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")


def registry_snapshot(systems: Mapping[str, EffectSystem], session_id: SessionId) -> dict[str, Any]:
    """Owner record, generation, fragments and bindings of every authority, by name."""
    out: dict[str, Any] = {}
    for name, fx in systems.items():
        record = fx.owner_record(session_id)
        owner = None if record is None else (record.owner_label, record.generation, record.scope)
        out[name] = {
            "owner": owner,
            "generation": fx.generation(session_id),
            "fragments": [(str(i), r) for i, r in fx.vm_fragment_snapshot()],
            "bindings": fx.bindings(),
        }
    return out
