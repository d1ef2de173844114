"""Tests of owned VM session open, admission, ingress checks, close and transfer."""

from __future__ import annotations

import dataclasses

import pytest

from aura_kit.machine.values import StepResult
from aura_kit.ownership import ChoreographicRole, CompositionManifest, LinkBoundary, Scope
from aura_kit.ownership.manifest_parts import TheoremPack
from aura_kit.protocol import parse_protocol, project, project_all
from aura_kit.protocol.types import Branch, Comm, End, Sort
from aura_kit.runtime import (
    EffectSystem,
    InvalidIngressRouting,
    Network,
    OwnerTransferError,
    RoundError,
    SessionStartError,
    SessionStartFailureReason,
    VmBridgeRound,
    VmHostWaitStatus,
    VmRoundDisposition,
    caller_session_owner_label,
    handle_owned_vm_round,
    is_transport_no_message,
    open_owned_manifest_vm_session_admitted,
)

PROTOCOL = parse_protocol("protocol P(A, B) { A -> B: Ask(str)\n B -> A: Answer(int) }")
MANIFEST = CompositionManifest.for_protocol(PROTOCOL, "p")
LOCALS = project_all(PROTOCOL.global_type)
ROLES = [ChoreographicRole("a", 0), ChoreographicRole("b", 1)]
PEERS = {"A": ROLES[0], "B": ROLES[1]}
SID = "1d1d1d1d-0000-4000-8000-000000000001"


def _open(effects, manifest=MANIFEST, role="A", global_type=None, local_types=None):
    return open_owned_manifest_vm_session_admitted(
        effects, SID, ROLES, manifest, role, global_type or PROTOCOL.global_type,
        LOCALS if local_types is None else local_types,
    )  # fmt: skip


def test_ingress_owner_label_is_the_callers_location() -> None:
    """The opened session's owner label is this file, line and column of the call."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        here = caller_session_owner_label()
        session = open_owned_manifest_vm_session_admitted(
            effects, SID, ROLES, MANIFEST, "A", PROTOCOL.global_type, LOCALS
        )
    path, line, column = session.owner().owner_label.rsplit(":", 2)
    assert path == __file__ and int(line) == int(here.rsplit(":", 2)[1]) + 1
    assert int(column) == 19


ADMISSION_CASES = {
    "guard": (dataclasses.replace(MANIFEST, guard_capabilities=("bad",)), "A", "namespace:name"),
    "undeclared pack": (
        dataclasses.replace(MANIFEST, required_theorem_packs=("core",)),
        "A",
        "not declared",
    ),
    "pack capabilities": (
        dataclasses.replace(
            MANIFEST,
            theorem_packs=(TheoremPack(name="core", capabilities=("x:y",)),),
            required_theorem_packs=("core",),
        ),
        "A",
        "union",
    ),
    "unknown role": (MANIFEST, "C", "is not one of"),
}


@pytest.mark.parametrize("case", sorted(ADMISSION_CASES))
def test_ingress_admission_refusal_ends_the_session(case: str) -> None:
    """A refused admission raises VM_SESSION_OPEN_FAILED, logs owner.rejected, leaves nothing."""
    manifest, role, words = ADMISSION_CASES[case]
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        with pytest.raises(SessionStartError) as info:
            _open(effects, manifest, role)
        assert info.value.reason is SessionStartFailureReason.VM_SESSION_OPEN_FAILED
        assert words in info.value.message
        assert effects.current_session_id() is None
    assert not effects.is_active(SID) and effects.vm_fragment_snapshot() == []
    assert effects.event_log.events("runtime.session.owner.rejected")[-1].field("reason") == (
        "vm_session_open_failed"
    )


def test_ingress_local_type_must_be_the_projection() -> None:
    """A local type for the active role that is not its projection is refused at admission."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"), pytest.raises(SessionStartError) as info:
        _open(effects, local_types={**LOCALS, "A": LOCALS["B"]})
    assert "expected its projection" in info.value.message


def test_ingress_failed_load_releases_claimed_fragments() -> None:
    """A failure after the fragment claim (an unprojectable peer) releases the claim."""
    bad = Comm("A", "B", (
        Branch("x", Sort.UNIT, Comm("A", "C", (Branch("m", Sort.UNIT, End()),))),
        Branch("y", Sort.UNIT, Comm("B", "C", (Branch("m", Sort.UNIT, End()),))),
    ))  # fmt: skip
    manifest = dataclasses.replace(MANIFEST, role_names=("A", "B", "C"))
    effects = EffectSystem("a", network=Network())
    with effects.task("t"), pytest.raises(SessionStartError) as info:
        _open(effects, manifest, "A", bad, {"A": project(bad, "A")})
    assert "C" in info.value.message
    assert effects.vm_fragment_snapshot() == [] and not effects.is_active(SID)


def test_ingress_refuses_oversized_payload_and_queues_nothing() -> None:
    """A payload over 1 MiB is a RoundError and is not queued."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        session = _open(effects)
        with pytest.raises(RoundError) as info:
            session.queue_send_bytes(b"x" * (1024 * 1024 + 1))
    assert "1048576" in info.value.message
    assert session.handler.queued_payloads == ()


def test_ingress_refused_round_logs_dropped_and_leaves_machine_alone() -> None:
    """A round from an unbound task is refused before the machine moves."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        session = _open(effects)
        session.queue_send_bytes(b'"hi"')
    tick = session.machine.tick
    with pytest.raises(InvalidIngressRouting) as info:
        session.advance_round("A", PEERS)
    assert type(info.value.details).__name__ == "MissingTaskBinding"
    assert session.machine.tick == tick
    dropped = effects.event_log.events("runtime.session.ingress.dropped")[-1]
    assert dropped.field("ingress_kind") == "advance_round"
    assert dropped.field("error_kind") == "invalid_ingress_routing"
    received = effects.event_log.events("runtime.session.ingress.received")[-1]
    assert received.field("active_role") == "A" and received.field("payload_bytes") == 0


def test_ingress_close_failure_leaves_the_handle_usable() -> None:
    """Closing with a fragment-scoped owner fails; the session stays open and closable later."""
    network = Network()
    effects = EffectSystem("a", network=network)
    EffectSystem("b", network=network)
    with effects.task("t"):
        session = _open(effects)
        session.transfer_owner("a/narrow", Scope.fragments(["protocol:p"]))
        with pytest.raises(InvalidIngressRouting):
            session.close()
        assert effects.is_active(SID)
        session.queue_send_bytes(b'"x"')
        result = session.advance_round("A", PEERS)
    assert result.step is StepResult.CONTINUE and len(network.history) == 1


def test_ingress_transfer_failure_changes_nothing() -> None:
    """A widening transfer is refused; owner and boundary stay as they were."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        session = _open(effects)
        session.transfer_owner("a", Scope.fragments(["protocol:p"]))
        owner, boundary = session.owner(), session.routing_boundary()
        with pytest.raises(OwnerTransferError):
            session.transfer_owner_in_place("a", LinkBoundary.for_scope(Scope.SESSION))
        assert session.owner() == owner and session.routing_boundary() == boundary


def test_ingress_context_manager_closes() -> None:
    """Leaving the ``with`` block closes the session and unbinds the task."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        with _open(effects) as session:
            assert effects.is_active(SID)
        assert not effects.is_active(SID) and effects.current_session_id() is None
    assert session.machine.sessions() == ()


@pytest.mark.parametrize(
    ("step", "status", "outcome"),
    [
        (StepResult.ALL_DONE, VmHostWaitStatus.IDLE, VmRoundDisposition.COMPLETE),
        (StepResult.CONTINUE, VmHostWaitStatus.IDLE, VmRoundDisposition.CONTINUE),
        (StepResult.STUCK, VmHostWaitStatus.IDLE, "ctx became stuck without a pending receive"),
        (StepResult.STUCK, VmHostWaitStatus.TIMED_OUT, "ctx timed out while waiting for receive"),
        (StepResult.STUCK, VmHostWaitStatus.CANCELLED, "ctx cancelled while waiting for receive"),
    ],
)
def test_ingress_handle_round_maps_outcomes(step, status, outcome) -> None:
    """``handle_owned_vm_round`` gives the seed's dispositions and messages."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        session = _open(effects)
    round_ = VmBridgeRound(step=step, blocked_receive=None, host_wait_status=status)
    if isinstance(outcome, VmRoundDisposition):
        assert handle_owned_vm_round(session, round_, "ctx") is outcome
    else:
        with pytest.raises(RoundError) as info:
            handle_owned_vm_round(session, round_, "ctx")
        assert info.value.message == outcome


@pytest.mark.parametrize("bad", [MANIFEST.to_dict(), None, "p"], ids=["dict", "none", "str"])
def test_ingress_non_manifest_argument_is_refused_cleanly(bad: object) -> None:
    """A manifest that is not a CompositionManifest is VM_SESSION_OPEN_FAILED; nothing is left."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        with pytest.raises(SessionStartError) as info:
            _open(effects, manifest=bad)
        assert effects.current_session_id() is None
    assert info.value.reason is SessionStartFailureReason.VM_SESSION_OPEN_FAILED
    assert "CompositionManifest" in info.value.message and type(bad).__name__ in info.value.message
    assert effects.active_sessions() == () and effects.bindings() == []
    assert effects.vm_fragment_snapshot() == [] and effects.generation(SID) == 0
    rejected = effects.event_log.events("runtime.session.owner.rejected")
    assert [r.field("reason") for r in rejected] == ["vm_session_open_failed"]


def test_ingress_non_mapping_local_types_are_refused_cleanly() -> None:
    """Local types that are not a mapping are VM_SESSION_OPEN_FAILED; nothing is left."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"), pytest.raises(SessionStartError) as info:
        _open(effects, local_types=[LOCALS["A"]])
    assert info.value.reason is SessionStartFailureReason.VM_SESSION_OPEN_FAILED
    assert "local_types" in info.value.message
    assert effects.active_sessions() == () and effects.bindings() == []


@pytest.mark.parametrize(
    ("step", "outcome"),
    [
        (StepResult.STUCK, VmRoundDisposition.CONTINUE),
        (StepResult.CONTINUE, VmRoundDisposition.CONTINUE),
        (StepResult.ALL_DONE, VmRoundDisposition.COMPLETE),
    ],
)
def test_ingress_handle_round_deferred_is_not_stuck(step: StepResult, outcome) -> None:
    """A DEFERRED round is CONTINUE (come back later), or COMPLETE when all is done."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        session = _open(effects)
    round_ = VmBridgeRound(
        step=step, blocked_receive=None, host_wait_status=VmHostWaitStatus.DEFERRED
    )
    assert handle_owned_vm_round(session, round_, "ctx") is outcome


def test_ingress_real_deferred_receive_round_continues() -> None:
    """B waiting for A's Ask with nothing sent yet defers, and handling that round continues."""
    net = Network()
    effects = EffectSystem("b", network=net)
    EffectSystem("a", network=net)
    with effects.task("B"):
        session = _open(effects, role="B")
        round_ = session.advance_round_until_receive("B", PEERS, is_transport_no_message)
        assert round_.host_wait_status is VmHostWaitStatus.DEFERRED
        assert round_.step is StepResult.STUCK and round_.blocked_receive is None
        assert handle_owned_vm_round(session, round_, "B VM") is VmRoundDisposition.CONTINUE
