"""``aura-kit render --kind states`` refuses a state graph too big to draw, quickly and clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from aura_kit.cli import main
from aura_kit.commands.render import MAX_DRAWN_STATES


def _independent_pairs(tmp_path: Path, pairs: int) -> Path:
    """``pairs`` independent one-message conversations: their interleavings multiply."""
    roles = [f"{side}{i}" for i in range(pairs) for side in ("S", "R")]
    body = [f"  S{i} -> R{i}: M{i}" for i in range(pairs)]
    path = tmp_path / "pairs.choreo"
    path.write_text(f"protocol Pairs({', '.join(roles)}) {{\n" + "\n".join(body) + "\n}\n")
    return path


@pytest.mark.timeout(60)
def test_render_states_over_the_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twelve independent pairs (3**12 joint states) are refused, naming the limit."""
    source, out = _independent_pairs(tmp_path, 12), tmp_path / "states.dot"
    assert main(["render", str(source), "--kind", "states", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"more than {MAX_DRAWN_STATES:,} joint states" in err and "--kind automata" in err
    assert not out.exists()


def test_render_states_under_the_limit_is_drawn(tmp_path: Path) -> None:
    """Three independent pairs (27 joint states) are drawn as before."""
    source, out = _independent_pairs(tmp_path, 3), tmp_path / "states.dot"
    assert main(["render", str(source), "--kind", "states", "--out", str(out)]) == 0
    assert out.read_text().startswith("digraph")
