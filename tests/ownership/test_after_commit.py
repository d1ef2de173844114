"""After a commit: events cannot fail the call, every end callback runs, logs blame only the
record's owner; the seed's start path and failure paths."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from aura_kit.ownership import OwnershipPolicy, Scope, faults
from aura_kit.runtime import (
    EffectSystem,
    InvalidIngressRouting,
    OwnerTransferError,
    RoundError,
    SessionIngressError,
    SessionStartError,
    SessionStartFailureReason,
)

from .interrupts import NARROW, PEERS, effects, open_session
from .support import assert_clean, roles_for, sid, state


class _Broken(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        raise RuntimeError("handler is broken")


@pytest.fixture
def broken_logging() -> Iterator[None]:
    """Logger ``aura_kit`` at DEBUG with a handler whose ``emit`` raises."""
    logger = logging.getLogger("aura_kit")
    handler, level = _Broken(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.usefixtures("broken_logging")
def test_after_commit_broken_log_handler_never_fails_the_call() -> None:
    """Start, transfer and end return normally; the failures are recorded on the log."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    moved = fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    assert moved.owner_label == "b"
    fx.end_owned_choreography_session(moved)
    assert_clean(fx)
    failures = fx.event_log.delivery_failures
    assert len(failures) >= 3 and all("handler is broken" in f for f in failures)
    assert len(fx.event_log.events("runtime.session.owner.transferred")) == 1


def test_after_commit_interrupting_end_callback_does_not_skip_the_rest() -> None:
    """A ``KeyboardInterrupt`` from one end callback: the others run, it is re-raised after."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(2), roles_for(fx))
    ran: list[str] = []

    def interrupt(_sid: object) -> None:
        ran.append("first")
        raise KeyboardInterrupt

    fx.on_session_end(owner.session_id, interrupt)
    fx.on_session_end(owner.session_id, lambda _sid: ran.append("second"))
    with pytest.raises(KeyboardInterrupt):
        fx.end_owned_choreography_session(owner)
    assert ran == ["first", "second"]
    assert_clean(fx)
    ended = fx.event_log.events("runtime.session.ended")[-1]
    assert "KeyboardInterrupt" in ended.field("cleanup_failed")


def test_after_commit_refusal_events_name_the_records_owner() -> None:
    """A stale handle's drop names the record's label and generation; the presented handle
    is ``presented_*``; the ``ingress.received`` of a refused round says the same."""
    fx = effects()
    with fx.task("cell"):
        session = open_session(fx)
        stale = session.owner()  # the handle keeps this owner: the transfer below bypasses it
        current = fx.transfer_owned_choreography_session_owner(stale, "delegate", Scope.SESSION)
        with pytest.raises(SessionIngressError):
            session.advance_round("A", PEERS)
    dropped = fx.event_log.events("runtime.session.ingress.dropped")[-1]
    received = fx.event_log.events("runtime.session.ingress.received")[-1]
    for event in (dropped, received):
        assert event.field("owner_label") == "delegate"
        assert event.field("capability_generation") == current.capability.generation
        assert event.field("presented_owner_label") == stale.owner_label
        assert event.field("presented_generation") == stale.capability.generation


def test_after_commit_transfer_rejection_names_the_records_owner() -> None:
    """``owner.transfer_rejected`` names the record's owner in ``from_*``."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(3), roles_for(fx))
    narrow = fx.transfer_owned_choreography_session_owner(owner, "b", Scope.fragments({"k"}))
    with pytest.raises(OwnerTransferError):
        fx.transfer_owned_choreography_session_owner(narrow, "c", Scope.SESSION)
    event = fx.event_log.events("runtime.session.owner.transfer_rejected")[-1]
    assert (event.field("from_owner_label"), event.field("from_generation")) == ("b", 2)
    assert event.field("presented_owner_label") == "b"


@pytest.mark.parametrize("label", ["", 7, None])
def test_after_commit_bad_label_is_owner_claim_rejected(label: object) -> None:
    """The seed's second start step (the owner claim) refuses the label: ``OwnerClaimRejected``
    with ``owner.rejected`` reason ``owner_claim_rejected``; nothing is left."""
    fx = EffectSystem("alice")
    with pytest.raises(SessionStartError) as info:
        fx.start_owned_choreography_session(label, sid(4), roles_for(fx))  # type: ignore[arg-type]
    assert info.value.reason is SessionStartFailureReason.OWNER_CLAIM_REJECTED
    assert "(OwnerClaimRejected)" in str(info.value)
    assert fx.event_log.events("runtime.session.owner.rejected")[-1].field("reason") == (
        "owner_claim_rejected"
    )
    assert_clean(fx) and fx.generation(sid(4)) == 0


def test_after_commit_start_checks_session_before_owner_claim() -> None:
    """A started session id is ``AlreadyExists`` (the seed's ``start_session`` step comes first)."""
    fx = EffectSystem("alice")
    with fx.task("one"):
        fx.start_owned_choreography_session("a", sid(5), roles_for(fx))
    with fx.task("two"), pytest.raises(SessionStartError) as info:
        fx.start_owned_choreography_session("", sid(5), roles_for(fx))
    assert info.value.reason is SessionStartFailureReason.ALREADY_EXISTS


@pytest.mark.parametrize("policy", ["kit", "seed"])
def test_after_commit_failed_close_and_transfer_owner(policy: str) -> None:
    """The kit keeps a handle usable after a failed ``close`` or ``transfer_owner``; the seed's
    failure paths consume it (``self`` is moved) while the session stays owned."""
    fx = effects(**({"failure_paths": "seed"} if policy == "seed" else {}))
    with fx.task("cell"):
        session = open_session(fx)
        session.transfer_owner(session.owner().owner_label, NARROW)
        before = state(fx)
        with pytest.raises(InvalidIngressRouting):
            session.close()  # a fragment-scoped owner cannot close
        assert state(fx) == before
        if policy == "kit":
            session.transfer_owner("again", NARROW)
            with pytest.raises(OwnerTransferError):
                session.transfer_owner("wide", Scope.SESSION)  # widening is refused
            session.queue_send_bytes(b'"hi"')
            session.advance_round("A", PEERS)  # the handle still works
        else:
            with pytest.raises(RoundError, match="consumed by a failed close"):
                session.advance_round("A", PEERS)
            assert fx.is_active(session.owner().session_id)
            fx.cancel_session(session.owner().session_id)
    assert_clean(fx) if policy == "seed" else None


def test_after_commit_seed_transfer_owner_failure_consumes_the_handle() -> None:
    """Under the seed's failure paths a refused ``transfer_owner`` consumes the handle;
    ``transfer_owner_in_place`` does not (the seed's ``&mut self``)."""
    fx = effects(failure_paths="seed")
    with fx.task("cell"):
        session = open_session(fx)
        with pytest.raises(OwnerTransferError):
            session.transfer_owner_in_place("", session.routing_boundary())
        session.transfer_owner(session.owner().owner_label, Scope.SESSION)  # still usable
        with pytest.raises(OwnerTransferError):
            session.transfer_owner("", Scope.SESSION)
        with pytest.raises(RoundError, match="consumed by a failed transfer_owner"):
            session.close()
        assert fx.is_active(session.owner().session_id)


def test_after_commit_kit_open_interrupt_leaves_nothing() -> None:
    """The kit's open cleans up after ``KeyboardInterrupt`` and the cell's task can open again."""
    fx = effects()
    with fx.task("cell"):
        with faults.inject("open.loaded"), pytest.raises(KeyboardInterrupt):
            open_session(fx)
        assert_clean(fx)
        open_session(fx).close()
    assert OwnershipPolicy().failure_paths == "leak_free"
