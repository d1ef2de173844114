"""Rounds, queues, labels and events under the seed's switches (``OwnershipPolicy.seed()``)."""

from __future__ import annotations

import asyncio

import pytest

from aura_kit.lab import World
from aura_kit.machine.values import StepResult
from aura_kit.ownership import CompositionManifest, OwnershipPolicy
from aura_kit.protocol import load_protocol, parse_protocol, project_all
from aura_kit.runtime import (
    EffectSystem,
    Network,
    RoundError,
    RuntimeSessionEvent,
    SessionStartError,
    VmRoundDisposition,
    handle_owned_vm_round,
    is_transport_no_message,
    open_owned_manifest_vm_session_admitted,
)
from tests.conftest import BUNDLED
from tests.runtime.test_ingress import PEERS, ROLES, SID, _open

SEED = OwnershipPolicy.seed()
TWO_BUYER = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
AUTHORITIES = {"alice": "Buyer1", "bob": "Buyer2", "carol": "Seller"}
PAYLOADS = {"Buyer1": ["War and Peace", 40], "Seller": [90, 90, "2025-06-01"], "Buyer2": ["addr"]}


def _waiting_b(policy: OwnershipPolicy):
    """B's owned session under ``policy``, waiting for A's Ask that nobody sent."""
    effects = EffectSystem("b", network=Network(), policy=policy)
    with effects.task("B"):
        session = _open(effects, role="B")
    return effects, session


def _deferred_round(effects, session):
    with effects.task("B"):
        round_ = session.advance_round_until_receive("B", PEERS, is_transport_no_message)
        try:
            return round_, handle_owned_vm_round(session, round_, "B VM")
        except RoundError as error:
            return round_, error


def test_rounds_seed_second_deferred_round_is_stuck_and_an_error() -> None:
    """Seed: the first deferred round is CONTINUE; the next, STUCK and deferred, raises."""
    effects, session = _waiting_b(SEED)
    first, disposition = _deferred_round(effects, session)
    assert first.step is StepResult.CONTINUE and disposition is VmRoundDisposition.CONTINUE
    second, error = _deferred_round(effects, session)
    assert second.step is StepResult.STUCK
    assert isinstance(error, RoundError)
    assert error.message == "B VM became stuck without a pending receive"


def test_rounds_kit_deferred_rounds_go_on_however_many() -> None:
    """Kit: every deferred round is STUCK and handled as CONTINUE."""
    effects, session = _waiting_b(OwnershipPolicy.kit())
    for _ in range(3):
        round_, disposition = _deferred_round(effects, session)
        assert round_.step is StepResult.STUCK and disposition is VmRoundDisposition.CONTINUE


def test_rounds_seed_sync_run_fails_where_the_waiting_driver_completes() -> None:
    """Seed: the sync driver (never waits) hits the round rule; the asyncio driver completes."""
    sync = World(TWO_BUYER, AUTHORITIES, policy=SEED, demo_payloads=True)
    sync.open_all()
    with pytest.raises(RoundError, match="became stuck without a pending receive"):
        sync.run()
    waiting = World(TWO_BUYER, AUTHORITIES, policy=SEED)
    waiting.open_all()
    for role in waiting.roles:
        waiting.queue(role, PAYLOADS[role], ["Accept"] if role == "Buyer2" else [])
    asyncio.run(waiting.run_async(timeout=5.0))
    assert waiting.done()


def test_rounds_seed_nearest_loop_is_what_the_session_runs() -> None:
    """Seed: after ``Again`` (a jump to the outer loop) A chooses again; the kit sends Go."""
    protocol = parse_protocol(
        "protocol N(A, B) { rec Outer { A -> B: Go\n rec Inner { choice at A {"
        " A -> B: More\n continue Inner } or { A -> B: Again\n continue Outer } or"
        " { A -> B: Stop } } } }"
    )
    locals_ = project_all(protocol.global_type)
    for policy, expected in ((OwnershipPolicy.kit(), ("Go",)), (SEED, ("More", "Again", "Stop"))):
        effects = EffectSystem("a", network=Network(), policy=policy)
        EffectSystem("b", network=effects.network)
        with effects.task("A"):
            session = _open_protocol(effects, protocol, locals_)
            session.queue_choice_label("Again")
            for _ in range(2):  # Go, then the choice
                session.advance_round("A", PEERS)
        view = session.machine.view(session.vm_session_id()).coroutines[0]
        labels = tuple(b.label for b in view.local_type.branches)  # type: ignore[union-attr]
        assert labels == expected, policy.name


def _open_protocol(effects, protocol, locals_):
    manifest = CompositionManifest.for_protocol(protocol, "n")
    return open_owned_manifest_vm_session_admitted(
        effects, SID, ROLES, manifest, "A", protocol.global_type, locals_
    )


def test_rounds_seed_queues_take_anything() -> None:
    """Seed: ``queue_send_bytes`` / ``queue_choice_label`` never refuse; the kit's do."""
    for policy in (OwnershipPolicy.kit(), SEED):
        effects = EffectSystem("a", network=Network(), policy=policy)
        with effects.task("A"):
            session = _open(effects)
        bad = [(session.queue_send_bytes, "text"), (session.queue_choice_label, "")]
        for queue, value in bad:
            if policy.name == "kit":
                with pytest.raises(RoundError):
                    queue(value)  # type: ignore[operator]
            else:
                queue(value)  # type: ignore[operator]
        queued = session.handler.snapshot_state()
        assert bool(any(queued)) is (policy.name == "seed")


def test_rounds_seed_payload_of_the_wrong_kind_faults_the_send_that_takes_it() -> None:
    """Seed: a queued str for A's Ask(str) send is taken as is; an int faults the round."""
    effects = EffectSystem("a", network=Network(), policy=SEED)
    EffectSystem("b", network=effects.network)
    with effects.task("A"):
        session = _open(effects)
        session.queue_send_bytes(5)  # type: ignore[arg-type]
        with pytest.raises(RoundError, match="payload of the wrong sort"):
            session.advance_round("A", PEERS)


def test_rounds_seed_empty_owner_label_is_taken() -> None:
    """Seed: an empty owner label starts the session; the kit refuses it with OTHER."""
    kit = EffectSystem("a")
    with kit.task("t"), pytest.raises(SessionStartError, match="non-empty string"):
        kit.start_owned_choreography_session("", SID, ROLES)
    seed = EffectSystem("a", policy=SEED)
    with seed.task("t"):
        owner = seed.start_owned_choreography_session("", SID, ROLES)
    assert owner.owner_label == "" and seed.is_active(SID)
    with seed.task("t2"), pytest.raises(SessionStartError, match="must be a string"):
        seed.start_owned_choreography_session(7, "1d1d1d1d-0000-4000-8000-000000000002", ROLES)  # type: ignore[arg-type]


def test_rounds_seed_logs_no_session_ended_event() -> None:
    """Seed: an end or cancel logs no ``runtime.session.ended``; the kit logs one each."""
    for policy, count in ((OwnershipPolicy.kit(), 1), (SEED, 0)):
        effects = EffectSystem("a", policy=policy)
        with effects.task("t"):
            owner = effects.start_owned_choreography_session("o", SID, ROLES)
            effects.end_owned_choreography_session(owner)
        ended = effects.event_log.events(RuntimeSessionEvent.SESSION_ENDED)
        assert len(ended) == count, policy.name
        assert not effects.is_active(SID)


def test_rounds_seed_payload_travels_opaque_to_the_receiver() -> None:
    """Seed: bytes that are not the sort's encoding are sent and injected as they are."""
    net = Network()
    a = EffectSystem("a", network=net, policy=SEED)
    b = EffectSystem("b", network=net, policy=SEED)
    with a.task("A"):
        sender = _open(a)
        sender.queue_send_bytes(b"\xff not json")
        sender.advance_round("A", PEERS)
    with b.task("B"):
        receiver = _open(b, role="B")
        round_ = receiver.advance_round("B", PEERS)
        handle_owned_vm_round(receiver, round_, "B VM")
        receiver.advance_round("B", PEERS)
    received = [e for e in receiver.machine.events if e.kind.value == "received"]
    assert [(e.label, e.payload) for e in received] == [("Ask", b"\xff not json")]


def test_rounds_kit_payload_that_does_not_decode_faults_the_send() -> None:
    """Kit: the same bytes do not decode as a str, so A's round fails and nothing is sent."""
    net = Network()
    a = EffectSystem("a", network=net)
    with a.task("A"):
        sender = _open(a)
        sender.queue_send_bytes(b"\xff not json")
        with pytest.raises(RoundError, match="handler failure on send Ask"):
            sender.advance_round("A", PEERS)
    assert net.history == []
