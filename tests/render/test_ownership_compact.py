"""The ownership picture's compact form: it stops growing with the number of moves."""

from __future__ import annotations

import re

from aura_kit.lab import ExplorerModel
from aura_kit.render import ownership_figure


def _after(moves: int) -> str:
    model = ExplorerModel.for_name("TwoBuyer")
    model.open()
    for i in range(moves):
        model.transfer("Seller") if i % 2 else model.transfer("Buyer1")
    world = model.world
    figure = ownership_figure(*world.systems.values(), stale=world.stale_handles(), recent=2)
    return figure.dot


def test_ownership_compact_collapses_history_and_groups_stale_handles() -> None:
    """After 20 moves: "… k earlier", one stale box per session, a bounded node count."""
    dot = _after(20)
    assert "… 8 earlier" in dot
    assert "✗ 10 stale handles" in dot
    assert dot.count("stale handles") == 2


def test_ownership_compact_does_not_grow_with_moves() -> None:
    """The number of nodes after 20 moves is the number after 6."""

    def nodes(dot: str) -> int:
        return len(re.findall(r'^\s*"[^"]+" \[', dot, flags=re.M))

    assert nodes(_after(20)) == nodes(_after(6))


def test_ownership_full_form_is_unchanged_by_default() -> None:
    """Without ``recent`` every earlier generation still has its own box."""
    model = ExplorerModel.for_name("TwoBuyer")
    model.open()
    for _ in range(4):
        model.transfer("Seller")
    world = model.world
    dot = ownership_figure(*world.systems.values(), stale=world.stale_handles()).dot
    assert "earlier" not in dot and dot.count("✗ stale:") == 4
