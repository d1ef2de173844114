"""Memory and the role limit at scale: buffers exist only for edges some role uses."""

from __future__ import annotations

import tracemalloc

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine, StepResult, TooManyRoles
from aura_kit.protocol import limits, parse_protocol
from aura_kit.protocol.types import End, Recv, Send, Sort
from tests.machine.builders import br


def _line_text(n: int) -> str:
    roles = ", ".join(f"R{i}" for i in range(n))
    body = "\n".join(f"R{i} -> R{i + 1}: M{i}(int)" for i in range(n - 1))
    return f"protocol Line({roles}) {{\n{body}\n}}"


def _line_image(n: int) -> CodeImage:
    """R0 -> R1 -> ... -> R(n-1), local types built directly (no projection: fast at scale)."""
    local = {}
    for i in range(n):
        t: object = End() if i == n - 1 else Send(f"R{i + 1}", (br(f"M{i}", End(), Sort.INT),))
        if i > 0:
            t = Recv(f"R{i - 1}", (br(f"M{i - 1}", t, Sort.INT),))
        local[f"R{i}"] = t
    return CodeImage(parse_protocol(_line_text(n)).global_type, local)  # type: ignore[arg-type]


def test_image_scale_buffers_only_for_used_edges() -> None:
    """A line of 50 roles gets 49 buffers, not 50 x 49."""
    m = ProtocolMachine()
    sid = m.load(_line_image(50))
    edges = {(b.from_role, b.to_role) for b in m.view(sid).buffers}
    assert edges == {(f"R{i}", f"R{i + 1}") for i in range(49)}
    assert m.run() is StepResult.ALL_DONE


def test_image_scale_load_memory_is_linear_in_roles() -> None:
    """Loading 1,000 roles stays far below the ~820 MiB one buffer per role pair needed."""
    image = _line_image(1_000)
    tracemalloc.start()
    try:
        m = ProtocolMachine()
        m.load(image)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    assert m.run() is StepResult.ALL_DONE


def test_image_scale_too_many_roles_is_refused_before_projecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A protocol over ``CodeImage.max_roles`` roles is a TooManyRoles naming both numbers."""
    monkeypatch.setattr(limits, "MAX_ROLES", 2_000)  # the parser's own limit, raised
    protocol = parse_protocol(_line_text(CodeImage.max_roles + 1))
    with pytest.raises(TooManyRoles) as caught:
        CodeImage.from_protocol(protocol)
    assert (caught.value.count, caught.value.limit) == (CodeImage.max_roles + 1, 1_000)


def test_image_scale_role_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lowering ``CodeImage.max_roles`` refuses a 6-role image; the default accepts it."""
    image = _line_image(6)
    monkeypatch.setattr(CodeImage, "max_roles", 5)
    with pytest.raises(TooManyRoles):
        CodeImage(image.global_type, image.local_types)
    monkeypatch.undo()
    assert CodeImage(image.global_type, image.local_types).roles == image.roles
