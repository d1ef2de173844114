"""Hand-built images shared by the machine tests (no protocol text needed)."""

from __future__ import annotations

import random
from pathlib import Path

from aura_kit.machine import (
    CodeImage,
    MachineEvent,
    ProtocolMachine,
    QueuedHandler,
    SeededRandom,
    StepResult,
)
from aura_kit.protocol import load_protocol
from aura_kit.protocol.types import Branch, Comm, End, Mu, Recv, Send, Sort, Var


def br(label: str, cont: object, sort: Sort = Sort.UNIT) -> Branch:
    """One branch."""
    return Branch(label, sort, cont)  # type: ignore[arg-type]


def seeded_run(path: Path, seed: int, *, sessions: int, max_ticks: int) -> tuple[MachineEvent, ...]:
    """Events of ``sessions`` runs of a protocol file with ``SeededRandom(seed)``, random picks."""
    image = CodeImage.from_protocol(load_protocol(path))
    rng = random.Random(seed)
    m = ProtocolMachine(SeededRandom(seed))
    for _ in range(sessions):
        m.load(image, handler=QueuedHandler(fallback=True, choose=lambda *a: rng.choice(a[-1])))
    assert m.run(max_ticks) is StepResult.ALL_DONE
    return m.events


def ping_pong_loop() -> CodeImage:
    """A selects Ping(int) (B answers Pong(int)) or Stop, in a loop."""
    g = Mu("X", Comm("A", "B", (
        br("Ping", Comm("B", "A", (br("Pong", Var("X"), Sort.INT),)), Sort.INT),
        br("Stop", End()),
    )))  # fmt: skip
    a = Mu("X", Send("B", (br("Ping", Recv("B", (br("Pong", Var("X"), Sort.INT),)), Sort.INT),
                           br("Stop", End()))))  # fmt: skip
    b = Mu("X", Recv("A", (br("Ping", Send("A", (br("Pong", Var("X"), Sort.INT),)), Sort.INT),
                           br("Stop", End()))))  # fmt: skip
    return CodeImage(g, {"A": a, "B": b})


def one_shot() -> CodeImage:
    """A sends Req(str) to B, B answers Resp(int)."""
    g = Comm("A", "B", (br("Req", Comm("B", "A", (br("Resp", End(), Sort.INT),)), Sort.STR),))
    a = Send("B", (br("Req", Recv("B", (br("Resp", End(), Sort.INT),)), Sort.STR),))
    b = Recv("A", (br("Req", Send("A", (br("Resp", End(), Sort.INT),)), Sort.STR),))
    return CodeImage(g, {"A": a, "B": b})


def both_receive_first() -> CodeImage:
    """Broken local types: after one message, A and B both wait to receive (a deadlock)."""
    a = Send("B", (br("Hi", Recv("B", (br("Ack", End()),))),))
    b = Recv("A", (br("Hi", Recv("A", (br("Ack", End()),))),))
    return CodeImage(End(), {"A": a, "B": b})


def orphan_pair() -> CodeImage:
    """A sends two messages, B takes only one: an orphan message."""
    a = Send("B", (br("X", Send("B", (br("Y", End()),))),))
    b = Recv("A", (br("X", End()),))
    return CodeImage(End(), {"A": a, "B": b})


def flood() -> CodeImage:
    """A sends M forever, B receives M forever: A may run ahead until the buffer is full."""
    a = Mu("L", Send("B", (br("M", Var("L")),)))
    b = Mu("L", Recv("A", (br("M", Var("L")),)))
    return CodeImage(End(), {"A": a, "B": b})
