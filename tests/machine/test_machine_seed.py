"""``ProtocolMachine(semantics="seed")``: the seed's idle steps and its dropped labels."""

from __future__ import annotations

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine, StepResult
from aura_kit.machine.errors import ProtocolViolation, UnknownSemantics
from aura_kit.protocol.types import Comm, End, Mu, Recv, Sort, Var
from tests.machine.builders import br

CONTINUE, STUCK, ALL_DONE = StepResult.CONTINUE, StepResult.STUCK, StepResult.ALL_DONE
# B receives Hi(int) from A, then Bye from A; A is external (the host injects for it)
TWO_RECEIVES = CodeImage(
    Comm("A", "B", (br("Hi", Comm("A", "B", (br("Bye", End()),)), Sort.INT),)),
    {
        "A": End(),
        "B": Recv("A", (br("Hi", Recv("A", (br("Bye", End()),)), Sort.INT),)),
    },
)


def _load(semantics: str) -> tuple[ProtocolMachine, int]:
    machine = ProtocolMachine(semantics=semantics)  # type: ignore[arg-type]
    return machine, machine.load(TWO_RECEIVES, local_roles=("B",))


def test_machine_kit_receive_with_nothing_is_stuck_at_once() -> None:
    """The kit's machine: a blocked receive is STUCK on the first idle step and after."""
    machine, sid = _load("kit")
    assert [machine.step_session(sid) for _ in range(2)] == [STUCK, STUCK]
    assert machine.semantics == "kit"


def test_machine_seed_receive_that_finds_nothing_continues_once_then_is_stuck() -> None:
    """The seed's machine: the receive's attempt is CONTINUE, a later idle step STUCK."""
    machine, sid = _load("seed")
    ticks = machine.tick
    assert [machine.step_session(sid) for _ in range(3)] == [CONTINUE, STUCK, STUCK]
    assert machine.tick == ticks  # the attempt is not an action: no tick
    machine.inject(sid, "A", "B", "Hi", 1)
    assert machine.step_session(sid) is CONTINUE  # the receive itself
    assert [machine.step_session(sid) for _ in range(2)] == [CONTINUE, STUCK]  # next receive
    machine.inject(sid, "A", "B", "Bye", None)
    assert [machine.step_session(sid) for _ in range(2)] == [CONTINUE, ALL_DONE]


def test_machine_seed_attempt_also_counts_for_the_whole_machine_step() -> None:
    """``step()`` follows the same rule as ``step_session``."""
    machine, _ = _load("seed")
    assert [machine.step(), machine.step()] == [CONTINUE, STUCK]


def test_machine_seed_single_label_receive_takes_any_label() -> None:
    """The seed's messages carry no label: a receive offering one label takes any message."""
    machine, sid = _load("seed")
    machine.inject(sid, "A", "B", "Hello", 7)
    machine.step_session(sid)
    received = machine.events[-1]
    assert (received.kind.value, received.label, received.payload) == ("received", "Hi", 7)


def test_machine_kit_single_label_receive_refuses_another_label() -> None:
    """The kit's messages carry their label: a label not offered is refused at injection."""
    machine, sid = _load("kit")
    with pytest.raises(ProtocolViolation, match="injected label not offered"):
        machine.inject(sid, "A", "B", "Hello", 7)


def test_machine_seed_snapshot_restores_the_tried_receive() -> None:
    """A restore puts back whether the blocked receive was already tried."""
    machine, sid = _load("seed")
    snap = machine.snapshot()
    assert machine.step_session(sid) is CONTINUE
    machine.restore(snap)
    assert [machine.step_session(sid) for _ in range(2)] == [CONTINUE, STUCK]


def test_machine_semantics_other_than_kit_or_seed_is_refused() -> None:
    """Any other value is ``UnknownSemantics`` naming the value."""
    with pytest.raises(UnknownSemantics, match="'kit' or 'seed', got 'fast'"):
        ProtocolMachine(semantics="fast")  # type: ignore[arg-type]


def test_machine_seed_a_receive_in_a_loop_is_tried_anew_each_time() -> None:
    """A loop of one receive: after each message the next receive is tried once again."""
    loop = Mu("X", Comm("A", "B", (br("Hi", Var("X"), Sort.INT),)))
    image = CodeImage(loop, {"A": End(), "B": Mu("X", Recv("A", (br("Hi", Var("X"), Sort.INT),)))})
    machine = ProtocolMachine(semantics="seed")
    sid = machine.load(image, local_roles=("B",))
    for value in range(3):
        assert [machine.step_session(sid) for _ in range(2)] == [CONTINUE, STUCK]
        machine.inject(sid, "A", "B", "Hi", value)
        assert machine.step_session(sid) is CONTINUE
