"""Code images: projection of a protocol, compile-time checks, views, layering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aura_kit.machine import CodeImage, CoroutineStatus, ImageError, ProtocolMachine, QueuedHandler
from aura_kit.protocol import load_protocol, local_fsm, project
from aura_kit.protocol.types import End, Mu, Send, Var
from tests.conftest import BUNDLED, ROOT
from tests.machine.builders import br, one_shot


def test_image_from_protocol_projects_every_role() -> None:
    """from_protocol holds the projection of each declared role, in declared order."""
    p = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
    image = CodeImage.from_protocol(p)
    assert image.roles == p.roles
    assert image.local_types["Seller"] == project(p.global_type, "Seller")
    assert hash(image) == hash(CodeImage.from_protocol(p)) and image == CodeImage.from_protocol(p)


@pytest.mark.parametrize(
    ("local", "reason"),
    [
        (Var("X"), "free recursion variable"),
        (Mu("X", Var("X")), "unguarded"),
        (Send("Nobody", (br("M", End()),)), "not another role"),
        (Send("A", (br("M", End()),)), "not another role"),
        (Send("B", (br("M", End()), br("M", End()))), "duplicate labels"),
    ],
)
def test_image_bad_local_type_rejected(local: object, reason: str) -> None:
    """A malformed local type fails when the image is built, naming the role."""
    with pytest.raises(ImageError, match=reason) as info:
        CodeImage(End(), {"A": local, "B": End()})  # type: ignore[dict-item]
    assert info.value.role == "A"


def test_image_view_shows_types_and_buffers() -> None:
    """A session view lists each role's current local type, status and buffer contents."""
    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=QueuedHandler(["q", 1]))
    m.step()
    view = m.view(sid)
    assert [c.role for c in view.coroutines] == ["A", "B"]
    assert view.coroutines[0].status is CoroutineStatus.BLOCKED_RECV
    assert view.coroutines[1].local_type == one_shot().local_types["B"]
    ab = next(b for b in view.buffers if (b.from_role, b.to_role) == ("A", "B"))
    assert [(msg.label, msg.payload) for msg in ab.messages] == [("Req", "q")]
    assert m.views() == (view,)


def test_image_machine_imports_no_display_packages() -> None:
    """Running a session imports neither pandas, graphviz, ipywidgets nor IPython."""
    code = (
        "import sys; from aura_kit.machine import *; from aura_kit.protocol import load_protocol;"
        "im = CodeImage.from_protocol(load_protocol('ring'));"
        "m = ProtocolMachine(); m.load(im); m.run(); explore(im);"
        "bad = ('pandas', 'graphviz', 'ipywidgets', 'IPython');"
        "print(sorted(n for n in bad if n in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


SHIPPED = sorted((BUNDLED / "protocols").glob("*.choreo"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_image_run_tables_follow_the_endpoint_automaton(path: Path) -> None:
    """Every shipped protocol: the machine's states are local_fsm's, in the same numbering."""
    image = CodeImage.from_protocol(load_protocol(path))
    for role, local in image.local_types.items():
        fsm = local_fsm(local)
        states = image.automata[role].states
        assert [st.local_type for st in states] == list(fsm.types)
        assert [(st.index, n) for st in states for n in st.nexts] == [
            (tr.src, tr.dst) for tr in fsm.transitions
        ]
