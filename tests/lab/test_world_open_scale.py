"""Opening a session per role projects and compiles each role once, not once per session."""

from __future__ import annotations

import pytest

from aura_kit.lab import World
from aura_kit.machine import image
from aura_kit.protocol import parse_protocol, project
from aura_kit.protocol import projection as projection_module
from aura_kit.protocol.projection import projections
from tests.hardening.test_scale import ring_protocol


def test_world_open_all_compiles_each_role_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve roles opened: twelve compilations and twelve projections (not 12 x 12)."""
    protocol = parse_protocol(ring_protocol(12, 24))
    compiled: list[str] = []
    projected: list[str] = []
    real_compile, real_project = image.compile_local, projection_module.project

    def counting_compile(role, local, roles):  # type: ignore[no-untyped-def]
        compiled.append(role)
        return real_compile(role, local, roles)

    def counting_project(g, role, *args):  # type: ignore[no-untyped-def]
        projected.append(role)
        return real_project(g, role, *args)

    monkeypatch.setattr(image, "compile_local", counting_compile)
    monkeypatch.setattr(projection_module, "project", counting_project)
    world = World(protocol, {f"a{role}": role for role in protocol.roles})
    world.open_all()
    assert sorted(compiled) == sorted(protocol.roles)
    assert sorted(projected) == sorted(protocol.roles)


def test_world_projection_cache_returns_the_projection_itself() -> None:
    """The cached projection equals ``project`` and is the same object on every request."""
    g = parse_protocol(ring_protocol(5, 10)).global_type
    cached = projections(g)
    assert cached.project("R2") == project(g, "R2")
    assert projections(g).project("R2") is cached.project("R2")
    assert cached.roles == ("R0", "R1", "R2", "R3", "R4")


def test_world_projection_cache_is_bounded() -> None:
    """Only the last ``PROJECTION_CACHE_SIZE`` global types stay cached."""
    types = [parse_protocol(ring_protocol(3, n + 1)).global_type for n in range(20)]
    first = projections(types[0])
    for g in types[1:]:
        projections(g)
    assert len(types) > projection_module.PROJECTION_CACHE_SIZE
    assert projections(types[0]) is not first
    assert projections(types[-1]) is projections(types[-1])
