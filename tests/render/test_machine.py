"""Machine sessions drawn straight from the machine's SessionView."""

from __future__ import annotations

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine, UnknownSession
from aura_kit.render import machine_figure, machine_text
from tests.view.samples import two_buyer


def test_machine_state_coroutines_and_buffers() -> None:
    """After six ticks each coroutine is listed and only non-empty buffers are drawn."""
    machine = ProtocolMachine()
    sid = machine.load(CodeImage.from_protocol(two_buyer()))
    for _ in range(6):
        machine.step()
    view = machine.view(sid)
    assert [c.role for c in view.coroutines] == ["Buyer1", "Buyer2", "Seller"]
    assert {c.status for c in view.coroutines} <= {"ready", "blocked_recv", "done"}
    drawn = [line for line in machine_text(view).splitlines() if line.startswith("  buffer ")]
    assert drawn and all(not line.endswith("[]") for line in drawn)
    assert "  buffer Buyer1->Buyer2: ['Share(0)']" in drawn


def test_machine_state_unknown_session_refused() -> None:
    """Asking for a session the machine does not have is an UnknownSession."""
    with pytest.raises(UnknownSession):
        machine_figure(ProtocolMachine(), 42)
