"""Sample models shared by the view and render tests (real objects, no mocks)."""

from __future__ import annotations

import uuid

from aura_kit.machine import CodeImage, ExploreResult, explore
from aura_kit.ownership import ChoreographicRole, CompositionManifest, LinkSpec, Scope
from aura_kit.protocol import Protocol, parse_local, parse_protocol, project
from aura_kit.runtime import EffectSystem

TWO_BUYER = """
protocol TwoBuyer(Buyer1, Buyer2, Seller) {
  Buyer1 -> Seller: Title(str)
  Seller -> Buyer1: Quote(int)
  Seller -> Buyer2: Quote(int)
  Buyer1 -> Buyer2: Share(int)
  choice at Buyer2 {
    Buyer2 -> Seller: Accept(str)
    Seller -> Buyer2: Date(str)
  } or {
    Buyer2 -> Seller: Reject
  }
}
"""

PING_LOOP = """
protocol PingLoop(Client, Server) {
  rec Loop {
    choice at Client {
      Client -> Server: Ping(int)
      Server -> Client: Pong(int)
      continue Loop
    } or {
      Client -> Server: Stop
    }
  }
}
"""

FORWARD = """
protocol Forward(A, B, C) {
  choice at A {
    A -> B: Go
    B -> C: Fwd
  } or {
    A -> B: Stop
  }
}
"""

SESSION_1 = uuid.UUID("3f2a9c01-7b7e-4d1c-9a56-0123456789ab")
SESSION_2 = uuid.UUID("9d0e1f22-1111-4222-8333-444455556666")


def two_buyer() -> Protocol:
    """The two-buyer protocol."""
    return parse_protocol(TWO_BUYER)


def ping_loop() -> Protocol:
    """A loop with a choice inside."""
    return parse_protocol(PING_LOOP)


def deadlocking_result() -> ExploreResult:
    """Exploration of an image where C waits forever when A picks Stop."""
    g = parse_protocol(FORWARD).global_type
    local = {"A": project(g, "A"), "B": project(g, "B"), "C": parse_local("B?Fwd.end")}
    return explore(CodeImage(g, local))


def ownership_world() -> tuple[EffectSystem, EffectSystem, dict[str, object]]:
    """Two authorities: alice transfers then attenuates, ends a second session; bob owns one.

    Returns the systems and the handles that are stale afterwards.
    """
    alice, bob = EffectSystem("alice"), EffectSystem("bob")
    protocol = two_buyer()
    links = [LinkSpec("Buyer1", "b1"), LinkSpec("Buyer2", "b2")]
    with alice.task("main"):
        first = alice.start_owned_choreography_session(
            "cell:3:1", SESSION_1, [ChoreographicRole("alice", 0)]
        )
        manifest = CompositionManifest.for_protocol(protocol, "two-buyer", link_specs=links)
        alice.claim_vm_fragments_for_manifest(first, manifest)
        second = alice.transfer_owned_choreography_session_owner(first, "delegate", Scope.SESSION)
        alice.transfer_owned_choreography_session_owner(
            second, "delegate", Scope.fragments(["bundle:b1"])
        )
    with alice.task("other"):
        ended = alice.start_owned_choreography_session(
            "cell:9:1", SESSION_2, [ChoreographicRole("alice", 0)]
        )
        alice.end_owned_choreography_session(ended)
    with bob.task("main"):
        bobs = bob.start_owned_choreography_session(
            "bob:1:1", SESSION_1, [ChoreographicRole("bob", 1)]
        )
        bob.claim_vm_fragments_for_manifest(
            bobs, CompositionManifest.for_protocol(protocol, "two-buyer")
        )
    return alice, bob, {"first": first, "second": second, "ended": ended}
