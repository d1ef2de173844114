"""Workloads for the concurrency tests (not a test module).

``OwnerScript`` drives one session through the EffectSystem alone; ``ping_pong_role`` drives
one role of a PingPong session through ``OwnedVmSession`` on a shared ``Network``. Both
return what they did, so the test can account for every event afterwards.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from aura_kit.ownership import ChoreographicRole, CompositionManifest, Scope
from aura_kit.protocol import load_protocol, project_all
from aura_kit.runtime import (
    EffectSystem,
    FullSessionCapabilityRequired,
    InvalidIngressRouting,
    MissingTaskBinding,
    Network,
    SessionBindingMismatch,
    VmRoundDisposition,
    handle_owned_vm_round,
    open_owned_manifest_vm_session_admitted,
)
from tests.conftest import BUNDLED
from tests.ownership.support import roles_for

PING_PONG = load_protocol(BUNDLED / "protocols" / "ping_pong.choreo")
PING_PONG_TYPES = project_all(PING_PONG.global_type)
PING_PONG_MANIFEST = CompositionManifest.for_protocol(PING_PONG, "aura.hardening.ping_pong")


@dataclass
class Tally:
    """What the workloads did, per authority: the expected event counts."""

    starts: Counter[str] = field(default_factory=Counter)
    transfers: Counter[str] = field(default_factory=Counter)
    ends: Counter[str] = field(default_factory=Counter)
    refusals: int = 0


def owner_script(
    effects: EffectSystem,
    others: Mapping[str, EffectSystem],
    rng: random.Random,
    tally: Tally,
    live: dict[uuid.UUID, object],
) -> list[str]:
    """One session at ``effects`` from the current context: start, transfer/attenuate, end.

    Between steps it checks that the context is bound to its own session and that another
    context's owner (from ``live``) and another authority both refuse it. Returns the steps.
    """
    sid = uuid.uuid4()
    auth = effects.authority
    owner = effects.start_owned_choreography_session(f"{auth}:{sid}:0", sid, roles_for(effects))
    tally.starts[auth] += 1
    live[sid] = owner
    steps = ["start"]
    for n in range(rng.randint(0, 3)):
        assert effects.current_session_id() is not None
        assert effects.current_session_id().value == sid  # type: ignore[union-attr]
        _cross_checks(effects, others, owner, sid, live, tally)
        scope = _next_scope(owner.capability.scope, rng)
        owner = effects.transfer_owned_choreography_session_owner(
            owner, f"{auth}:{sid}:{n + 1}", scope
        )
        live[sid] = owner
        tally.transfers[auth] += 1
        steps.append("transfer" if scope.is_session else "attenuate")
    del live[sid]
    if owner.capability.scope.is_session:
        effects.end_owned_choreography_session(owner)
    else:
        with pytest.raises(InvalidIngressRouting) as caught:
            effects.end_owned_choreography_session(owner)
        assert type(caught.value.details) is FullSessionCapabilityRequired
        tally.refusals += 1
        assert effects.cancel_session(sid)
    tally.ends[auth] += 1
    steps.append("end")
    return steps


def _next_scope(current: Scope, rng: random.Random) -> Scope:
    """The same scope or a narrower one (the default policy refuses widening)."""
    if current.keys is None:
        return Scope.SESSION if rng.random() < 0.6 else Scope.fragments({"bundle:x", "bundle:y"})
    if rng.random() < 0.5:
        return current
    return Scope.fragments(sorted(current.keys)[:1])


def _items(live: dict[uuid.UUID, object]) -> list[tuple[uuid.UUID, object]]:
    """A snapshot of ``live`` while other threads add and remove sessions (retry on a race)."""
    while True:
        try:
            return list(live.items())
        except RuntimeError:  # "changed size during iteration": another thread won; retry
            continue


def _cross_checks(
    effects: EffectSystem,
    others: Mapping[str, EffectSystem],
    owner: object,
    sid: uuid.UUID,
    live: dict[uuid.UUID, object],
    tally: Tally,
) -> None:
    foreign = next((o for s, o in _items(live) if s != sid), None)
    if foreign is not None and effects.is_active(foreign.session_id):  # type: ignore[attr-defined]
        with pytest.raises(InvalidIngressRouting) as caught:
            effects.assert_owned_choreography_session(foreign)  # type: ignore[arg-type]
        assert type(caught.value.details) is SessionBindingMismatch
        tally.refusals += 1
    for other in others.values():
        if other is not effects:
            with pytest.raises(InvalidIngressRouting) as caught:
                other.assert_owned_choreography_session(owner)  # type: ignore[arg-type]
            assert type(caught.value.details) is MissingTaskBinding
            tally.refusals += 1
            return


async def ping_pong_role(
    systems: Mapping[str, EffectSystem],
    sid: uuid.UUID,
    placement: Mapping[str, str],
    role: str,
    value: int,
    rng: random.Random,
    tally: Tally,
) -> object:
    """Play ``role`` of one PingPong session as the current asyncio task; return what it got."""
    effects = systems[placement[role]]
    peers = {r: ChoreographicRole(placement[r], i) for i, r in enumerate(PING_PONG.roles)}
    session = open_owned_manifest_vm_session_admitted(
        effects, sid, tuple(peers.values()), PING_PONG_MANIFEST, role,
        PING_PONG.global_type, PING_PONG_TYPES, owner_label=f"{role}:{sid}",
    )  # fmt: skip
    tally.starts[effects.authority] += 1
    session.queue_send_bytes(json.dumps(value).encode())
    while True:
        if rng.random() < 0.3:
            session.transfer_owner(f"{role}:{sid}:{rng.randrange(10**6)}", Scope.SESSION)
            tally.transfers[effects.authority] += 1
        await asyncio.sleep(0)
        result = await session.advance_round_async(role, peers, timeout=5.0)
        if handle_owned_vm_round(session, result, role) is VmRoundDisposition.COMPLETE:
            break
    received = [e.payload for e in session.machine.events if e.kind.value == "received"]
    session.close()
    tally.ends[effects.authority] += 1
    return received[0]


def make_systems(names: tuple[str, ...], network: Network | None = None) -> dict[str, EffectSystem]:
    """One effect system per authority name (on ``network`` if given)."""
    return {n: EffectSystem(n, network=network) for n in names}
