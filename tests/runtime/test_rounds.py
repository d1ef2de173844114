"""Round scenarios: pending sends, choices, peer mappings, cancellation, delegation."""

from __future__ import annotations

import pytest

from aura_kit.lab import World
from aura_kit.ownership import ChoreographicRole, CompositionManifest, Scope
from aura_kit.protocol import load_protocol, parse_protocol, project_all
from aura_kit.runtime import (
    EffectSystem,
    Network,
    RoundError,
    VmHostWaitStatus,
    open_owned_manifest_vm_session_admitted,
)
from aura_kit.runtime.codec import DEFAULT_CODEC, JsonCodec
from tests.conftest import BUNDLED

TRIPLE = parse_protocol(
    "protocol Triple(A, B) { A -> B: One(int)\n A -> B: Two(str)\n A -> B: Three(int) }"
)
SID = "5e55e55e-0000-4000-8000-000000000001"


def _two_buyer_world() -> World:
    protocol = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
    world = World(protocol, {"alice": "Buyer1", "bob": "Buyer2", "carol": "Seller"})
    world.open_all()
    world.queue("Buyer1", ["War and Peace", 40])
    world.queue("Seller", [90, 90, "2025-06-01"])
    return world


def _open_a(effects: EffectSystem, codec: JsonCodec | None = None):
    manifest = CompositionManifest.for_protocol(TRIPLE, "triple")
    roles = [ChoreographicRole("a", 0), ChoreographicRole("b", 1)]
    extra = {} if codec is None else {"codec": codec}
    return open_owned_manifest_vm_session_admitted(
        effects, SID, roles, manifest, "A", TRIPLE.global_type, project_all(TRIPLE.global_type),
        **extra,
    )  # fmt: skip


def test_rounds_queued_payloads_surface_as_pending_sends_in_order() -> None:
    """Three queued payloads become three pending sends, in queue order, with their labels."""
    effects = EffectSystem("a", network=Network())
    with effects.task("a"):
        session = _open_a(effects)
        for payload in (b"1", b'"two"', b"3"):
            session.queue_send_bytes(payload)
        for _ in range(3):
            with pytest.raises(RoundError):
                session.advance_round("A", {})
    pending = session.machine.pending_sends(session.vm_session_id())
    assert [(p.label, p.payload) for p in pending] == [("One", 1), ("Two", "two"), ("Three", 3)]


def test_rounds_missing_peer_mapping_is_clear_and_loses_no_send() -> None:
    """A send with no peer mapping raises a RoundError naming the role and stays pending."""
    network = Network()
    effects, peer = EffectSystem("a", network=network), EffectSystem("b", network=network)
    peers = {"A": ChoreographicRole("a", 0), "B": ChoreographicRole("b", 1)}
    with effects.task("a"):
        session = _open_a(effects)
        for payload in (b"1", b'"two"', b"3"):
            session.queue_send_bytes(payload)
        with pytest.raises(RoundError) as info:
            session.advance_round("A", {"A": peers["A"]})
        assert info.value.message == "missing peer mapping for VM send target role B"
        assert len(session.machine.pending_sends(session.vm_session_id())) == 1
        assert list(network.history) == []
        session.advance_round("A", peers)
    inbox = network.inbox("b", session.owner().session_id)
    assert [(e.label, e.payload) for e in inbox] == [("One", b"1"), ("Two", b'"two"')]
    assert session.machine.pending_sends(session.vm_session_id()) == ()
    assert peer.authority == "b"


def test_rounds_queued_choice_is_used() -> None:
    """Buyer2's queued choice (Reject, the second label) is the label that reaches the seller."""
    world = _two_buyer_world()
    world.queue("Buyer2", [], ["Reject"])
    world.run()
    labels = [label for _s, _r, label, _p in world.messages()]
    assert labels == ["Title", "Quote", "Quote", "Share", "Reject"]
    assert world.done()


class _CancellingCodec:
    """A codec whose decode of one payload ends the session (an operator acting mid-round)."""

    def __init__(self, effects: EffectSystem) -> None:
        self.effects = effects

    def encode(self, sort, value):
        return DEFAULT_CODEC.encode(sort, value)

    def decode(self, sort, data):
        if data == b'"cancel me"':
            self.effects.cancel_session(SID)
        return DEFAULT_CODEC.decode(sort, data)


def test_rounds_session_ended_during_sync_round_gives_cancelled() -> None:
    """A session cancelled while its round runs: CANCELLED, and its VM session closed after."""
    protocol = parse_protocol("protocol P(A, B) { A -> B: Ask(str)\n B -> A: Answer(int) }")
    network = Network()
    effects = EffectSystem("a", network=network)
    EffectSystem("b", network=network)
    manifest = CompositionManifest.for_protocol(protocol, "p")
    peers = {"A": ChoreographicRole("a", 0), "B": ChoreographicRole("b", 1)}
    with effects.task("a"):
        session = open_owned_manifest_vm_session_admitted(
            effects, SID, list(peers.values()), manifest, "A", protocol.global_type,
            project_all(protocol.global_type), codec=_CancellingCodec(effects),
        )  # fmt: skip
        session.queue_send_bytes(b'"cancel me"')
        result = session.advance_round("A", peers)
    assert result.host_wait_status is VmHostWaitStatus.CANCELLED
    assert not effects.is_active(SID)
    assert session.machine.sessions() == ()  # closed once the round had returned


def test_rounds_two_authorities_complete_with_a_delegation_in_the_middle() -> None:
    """Client and server each own their role; the server delegates mid-session and completes."""
    protocol = load_protocol(BUNDLED / "protocols" / "ping_pong.choreo")
    world = World(protocol, {"cli": "Client", "srv": "Server"})
    world.open_all()
    world.queue("Client", [7])
    world.queue("Server", [8])
    world.step_all()
    world.transfer("Server", "srv/worker")
    world.run()
    assert world.done()
    assert world.messages() == [("Client", "Server", "Ping", 7), ("Server", "Client", "Pong", 8)]
    assert [(c.role, c.action, c.owner_label, c.generation) for c in world.history] == [
        ("Client", "open", "Client@cli", 1),
        ("Server", "open", "Server@srv", 1),
        ("Server", "transfer", "srv/worker", 2),
    ]
    fragments = world.effects("Server").vm_fragment_snapshot()
    assert [record.owner_label for _id, record in fragments] == ["srv/worker"]
    world.close_all()
    assert not world.is_active("Server") and not world.is_active("Client")


def test_rounds_attenuated_owner_keeps_running_but_cannot_close() -> None:
    """A fragment-scoped owner passes its boundary each round but close needs the full session."""
    world = _two_buyer_world()
    world.queue("Buyer2", [], ["Reject"])
    world.attenuate("Seller", ["protocol:TwoBuyer"])
    world.run()
    assert world.done()
    with pytest.raises(Exception) as info:
        world.close("Seller")
    assert type(info.value.details).__name__ == "FullSessionCapabilityRequired"
    assert world.is_active("Seller")
    assert world.session("Seller").owner().capability.scope == Scope.fragments(
        ["protocol:TwoBuyer"]
    )


def test_rounds_blocked_receive_injected_twice_is_refused_without_change() -> None:
    """A delivered receive goes into the VM once; a second injection is a RoundError, no orphan."""
    world = _two_buyer_world()
    world.round("Buyer1")  # Buyer1 -> Seller: Title
    seller = world.session("Seller")
    with world.task("Seller"):
        delivered = seller.advance_round_until_receive(
            "Seller", world.peer_roles, lambda _error: False
        ).blocked_receive
        assert delivered is not None and delivered.label == "Title"
        seller.inject_blocked_receive(delivered)
        before = seller.machine.view(seller.vm_session_id())
        with pytest.raises(RoundError, match="not waiting on Buyer1->Seller"):
            seller.inject_blocked_receive(delivered)
        assert seller.machine.view(seller.vm_session_id()) == before
    world.queue("Buyer2", ["5 Main St"], ["Accept"])
    world.run()
    assert world.complete == {"Buyer1", "Buyer2", "Seller"}
