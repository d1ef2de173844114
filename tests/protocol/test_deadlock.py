"""Every good protocol is deadlock-free when each role runs its projection over FIFO buffers.

A small exhaustive search (independent of the machine package): a configuration is each
role's local type plus one FIFO of labels per directed edge; every interleaving and every
select is explored. A run may only stop with every role at ``end`` and every buffer empty.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from aura_kit.protocol import (
    End,
    LocalType,
    Recv,
    Send,
    load_protocol,
    parse_local,
    project_all,
    unfold,
)
from tests.conftest import BUNDLED

Config = tuple[tuple[LocalType, ...], tuple[tuple[str, ...], ...]]
MAX_BUFFER = 4


def moves(roles: tuple[str, ...], config: Config) -> list[Config]:
    """Every configuration one action away (sends block on a full buffer)."""
    types, buffers = config
    edges = {(p, q): i for i, (p, q) in enumerate((p, q) for p in roles for q in roles)}
    out: list[Config] = []
    for index, role in enumerate(roles):
        t = unfold(types[index])
        if isinstance(t, Send) and len(buffers[edges[role, t.partner]]) < MAX_BUFFER:
            for branch in t.branches:
                out.append(_step(config, index, branch.cont, edges[role, t.partner], branch.label))  # type: ignore[arg-type]
        elif isinstance(t, Recv) and buffers[edges[t.partner, role]]:
            head = buffers[edges[t.partner, role]][0]
            branch = next(b for b in t.branches if b.label == head)
            out.append(_step(config, index, branch.cont, edges[t.partner, role], None))  # type: ignore[arg-type]
    return out


def _step(config: Config, index: int, cont: LocalType, edge: int, label: str | None) -> Config:
    types, buffers = config
    new_types = (*types[:index], unfold(cont), *types[index + 1 :])
    queue = buffers[edge] + (label,) if label is not None else buffers[edge][1:]
    return new_types, (*buffers[:edge], queue, *buffers[edge + 1 :])  # type: ignore[return-value]


def explore(locals_: dict[str, LocalType]) -> tuple[int, list[Config]]:
    """State count and the stuck configurations (deadlocks or orphans)."""
    roles = tuple(locals_)
    types = tuple(unfold(locals_[r]) for r in roles)
    start: Config = (types, ((),) * len(roles) ** 2)  # type: ignore[assignment]
    seen, queue, stuck = {start}, deque([start]), []
    while queue:
        config = queue.popleft()
        successors = moves(roles, config)
        finished = all(isinstance(t, End) for t in config[0]) and not any(config[1])
        if not successors and not finished:
            stuck.append(config)
        for nxt in successors:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
        assert len(seen) < 50_000, "state space too large"
    return len(seen), stuck


@pytest.mark.parametrize(
    "path", sorted((BUNDLED / "protocols").glob("*.choreo")), ids=lambda p: p.stem
)
def test_deadlock_free_good_protocols(path: Path) -> None:
    """No reachable configuration is stuck, and no message is left behind."""
    count, stuck = explore(project_all(load_protocol(path)))
    assert count > 1
    assert stuck == []


def test_deadlock_search_finds_a_real_deadlock() -> None:
    """The search can fail: two roles that both wait to receive first are stuck."""
    count, stuck = explore({"A": parse_local("B?Y.B!X.end"), "B": parse_local("A?X.A!Y.end")})
    assert (count, len(stuck)) == (1, 1)
    _, orphans = explore({"A": parse_local("B!X.end"), "B": parse_local("end")})
    assert len(orphans) == 1
