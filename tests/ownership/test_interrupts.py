"""Interrupt sweep: ``KeyboardInterrupt`` at every fault point of start, open, transfer, end,
cancel and a (sync) round leaves the registries as they were before the call (or, after an
end's commit, ended)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aura_kit.ownership import Scope, faults
from aura_kit.runtime import EffectSystem, SessionStartFailureReason

from .interrupts import NARROW, PEERS, ROLES, SID, effects, open_session, registries
from .support import assert_clean

Setup = Callable[[EffectSystem], Any]
Call = Callable[[EffectSystem, Any], Any]


def _nothing(fx: EffectSystem) -> None:
    return None


def _opened(fx: EffectSystem) -> Any:
    return open_session(fx)


def _start(fx: EffectSystem, _: Any) -> Any:
    return fx.start_owned_choreography_session("host", SID, ROLES)


def _open(fx: EffectSystem, _: Any) -> Any:
    return open_session(fx)


def _transfer(fx: EffectSystem, session: Any) -> Any:
    return session.transfer_owner("delegate", NARROW)


def _end(fx: EffectSystem, session: Any) -> Any:
    return fx.end_owned_choreography_session(session.owner())


def _cancel(fx: EffectSystem, session: Any) -> Any:
    return fx.cancel_session(SID)


def _round(fx: EffectSystem, session: Any) -> Any:
    session.queue_send_bytes(b'"hi"')
    return session.advance_round("A", PEERS)


CALLS: dict[str, tuple[Setup, Call]] = {
    "start": (_nothing, _start),
    "open": (_nothing, _open),
    "transfer": (_opened, _transfer),
    "end": (_opened, _end),
    "cancel": (_opened, _cancel),
    "round": (_opened, _round),
}


def _points(name: str) -> list[str]:
    """The fault points the call passes (found by running it once with a trace)."""
    setup, call = CALLS[name]
    fx = effects()
    with fx.task("cell"):
        prepared = setup(fx)
        with faults.trace() as seen:
            call(fx, prepared)
    return sorted(set(seen))


def _completed(name: str) -> tuple[Any, ...]:
    setup, call = CALLS[name]
    fx = effects()
    with fx.task("cell"):
        call(fx, setup(fx))
    return registries(fx)


SWEEP = [(name, point) for name in CALLS for point in _points(name)]


def test_interrupts_every_call_has_fault_points() -> None:
    """Each swept call passes its own named points (the sweep is not empty)."""
    names = {point.split(".")[0] for _, point in SWEEP}
    assert {"start", "open", "transfer", "end", "cancel", "round", "sign"} <= names
    assert len(SWEEP) == 20


@pytest.mark.parametrize(("name", "point"), SWEEP, ids=[f"{n}@{p}" for n, p in SWEEP])
def test_interrupts_leave_registries_as_before(name: str, point: str) -> None:
    """An interrupt at one point either changes nothing, or (an end after its commit) completes
    the end; it is always re-raised, and the context can go on afterwards."""
    setup, call = CALLS[name]
    fx = effects()
    with fx.task("cell"):
        prepared = setup(fx)
        before = registries(fx)
        with faults.inject(point) as plan, pytest.raises(KeyboardInterrupt):
            call(fx, prepared)
        assert plan.fired
        after = registries(fx)
    if name == "open":  # the half-open session is ended: only its spent generation remains
        assert after[:5] == before[:5] == ((), (), (), (), ())
        assert_clean(fx)
    elif name in ("end", "cancel") and point == "end.callback_ran":
        assert after == _completed(name)  # interrupted after its commit: ended, callbacks all ran
    else:
        assert after == before
    _recover(fx, name, prepared)


def _recover(fx: EffectSystem, name: str, prepared: Any) -> None:
    """After the interrupt the same context can finish the job (nothing stale is left)."""
    with fx.task("cell"):
        if name in ("start", "open"):
            session = open_session(fx)
            session.close()
        elif name in ("end", "cancel") and not fx.is_active(SID):
            assert prepared.machine.sessions() == ()  # the VM session was closed too
        else:
            prepared.transfer_owner(prepared.owner().owner_label, Scope.SESSION)
            prepared.close()
    assert_clean(fx)


def test_interrupts_seed_failure_paths_keep_what_an_interrupted_open_had() -> None:
    """Under the seed's failure paths an interrupted open keeps its started, bound session and
    claimed fragments (the seed's dropped future), and the task is bound for good."""
    fx = effects(failure_paths="seed")
    with fx.task("cell"):
        with faults.inject("open.claimed"), pytest.raises(KeyboardInterrupt):
            open_session(fx)
        assert fx.active_sessions() and fx.bindings() and fx.vm_fragment_snapshot()
        with pytest.raises(Exception) as again:
            open_session(fx)
    assert again.value.reason is SessionStartFailureReason.TASK_ALREADY_BOUND  # type: ignore[attr-defined]
