"""Figure display, text fallback without dot, formats and files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine
from aura_kit.protocol import parse_local
from aura_kit.render import Figure, RenderError, figure_for, render_to_file
from aura_kit.render.figure import DOT_MIME
from tests.view.samples import deadlocking_result, ownership_world, two_buyer

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not on PATH")


def _figure() -> Figure:
    return figure_for(two_buyer())


def test_figure_text_without_dot_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no dot binary, the bundle has the text with a hint, and the DOT; nothing escapes."""
    monkeypatch.setenv("PATH", str(tmp_path))
    fig = _figure()
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/plain", DOT_MIME}
    assert bundle["text/plain"].startswith(fig.text + "\n\n(no picture: dot binary not found:")
    assert "figure_for(x).save('x.dot')" in bundle["text/plain"]
    assert bundle[DOT_MIME] == fig.dot


def test_figure_text_with_missing_dot_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pointing graphviz at a missing binary gives text only and a RenderError for svg()."""
    import graphviz.backend.dot_command as dot_command

    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("/nonexistent/dot"))
    fig = _figure()
    assert set(fig._repr_mimebundle_()) == {"text/plain", DOT_MIME}
    with pytest.raises(RenderError, match="dot binary not found"):
        fig.svg()


def test_figure_exclude_svg_skips_dot() -> None:
    """Excluding image/svg+xml leaves only the text form, without a hint."""
    fig = _figure()
    assert fig._repr_mimebundle_(exclude=["image/svg+xml"]) == {"text/plain": fig.text}


def test_figure_format_specs() -> None:
    """format() gives dot, text, and refuses unknown specs."""
    fig = _figure()
    assert f"{fig:dot}".startswith('digraph "protocol TwoBuyer" {')
    assert f"{fig:text}" == f"{fig}" == fig.text
    with pytest.raises(ValueError, match="unknown Figure format"):
        format(fig, "pdf")


def test_figure_for_picks_the_picture() -> None:
    """Each model kind gets its picture."""
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(two_buyer()))
    alice, _, _ = ownership_world()
    kinds = {
        "sequence": two_buyer(),
        "automata": parse_local("Server!Ping(int).end"),
        "ownership": alice,
        "machine": machine,
        "states": deadlocking_result(),
    }
    for kind, obj in kinds.items():
        assert figure_for(obj).kind == kind
    assert figure_for(machine.view(machine.sessions()[0])).kind == "machine"
    assert figure_for(list(machine.events)).kind == "sequence"


def test_figure_for_dispatches_on_type_not_attributes() -> None:
    """A subclass draws like its base; an object that merely looks like a machine does not."""

    class Machine(ProtocolMachine):
        __slots__ = ()

    machine = Machine()
    machine.load(CodeImage.from_protocol(two_buyer()))

    class LooksLikeOne:
        def views(self) -> tuple[()]:
            return ()

    assert figure_for(machine).kind == "machine"
    assert figure_for(LooksLikeOne()).kind == "text"


def test_figure_for_never_raises() -> None:
    """An object without a picture gives a text figure saying so."""
    fig = figure_for(object())
    assert fig.kind == "text"
    assert "no picture" in fig._repr_mimebundle_()["text/plain"]


def test_render_to_file_dot_and_text(tmp_path: Path) -> None:
    """.dot and .txt need no binary and hold the DOT and the text form."""
    render_to_file(two_buyer(), tmp_path / "p.dot")
    render_to_file(two_buyer(), tmp_path / "p.txt")
    assert (tmp_path / "p.dot").read_text().startswith("digraph")
    assert "choice at Buyer2" in (tmp_path / "p.txt").read_text()


def test_render_to_file_unknown_suffix(tmp_path: Path) -> None:
    """An unknown suffix is refused and no file is written."""
    with pytest.raises(RenderError, match="unknown output format"):
        render_to_file(two_buyer(), tmp_path / "p.jpeg")
    assert not (tmp_path / "p.jpeg").exists()


@pytest.mark.dot
@needs_dot
def test_figure_svg_when_dot_available() -> None:
    """With dot, the bundle carries an SVG document too."""
    fig = _figure()
    bundle = fig._repr_mimebundle_()
    assert bundle["text/plain"] == fig.text
    assert DOT_MIME not in bundle
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert "Title(str)" in bundle["image/svg+xml"]


@pytest.mark.dot
@needs_dot
def test_render_to_file_png(tmp_path: Path) -> None:
    """A .png file is a PNG image."""
    render_to_file(deadlocking_result(), tmp_path / "s.png")
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
