"""A displayable picture: DOT text plus a plain-text form; SVG/PNG through graphviz, lazily.

Invariants:
- ``graphviz`` is imported only inside the functions that run ``dot``;
- ``_repr_mimebundle_`` never raises and always holds ``text/plain``; it adds
  ``image/svg+xml`` only when ``dot`` ran successfully; when it could not, the text ends with
  a hint saying why and how to get the DOT, and the DOT itself is in the bundle as
  ``text/vnd.graphviz`` (front ends without a renderer for it show the text);
- ``render_to_file`` picks the format from the suffix (.svg, .png, .dot, .txt) and writes
  nothing when rendering fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aura_kit.render.dot_process import POOL
from aura_kit.render.errors import RenderError

FORMATS = (".svg", ".png", ".dot", ".gv", ".txt")
MEANWHILE = "meanwhile the text form and .dot or .txt files work without it"
DOT_MIME = "text/vnd.graphviz"


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One picture: its kind, title, DOT source and readable text."""

    kind: str
    title: str
    dot: str
    text: str

    def svg(self) -> str:
        """The SVG document; ``RenderError`` when ``dot`` is missing or fails."""
        return pipe_dot(self.dot, "svg").decode("utf-8")

    def png(self) -> bytes:
        """The PNG bytes; ``RenderError`` when ``dot`` is missing or fails."""
        return pipe_dot(self.dot, "png")

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> dict[str, str]:
        """SVG when ``dot`` works, always ``text/plain``, the DOT when SVG failed; never raises."""
        bundle: dict[str, str] = {"text/plain": self.text}
        if not _wanted("image/svg+xml", include, exclude):
            return bundle
        try:
            bundle["image/svg+xml"] = self.svg()
        except Exception as error:  # display never fails: the text and the DOT stay
            bundle["text/plain"] = f"{self.text}\n\n{no_picture_hint(error)}"
            bundle[DOT_MIME] = self.dot
        return bundle

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Figure(kind={self.kind!r}, title={self.title!r})"

    def __format__(self, spec: str) -> str:
        """``'dot'``, ``'svg'`` or ``'text'`` (the default)."""
        if spec in ("", "text"):
            return self.text
        if spec == "dot":
            return self.dot
        if spec == "svg":
            return self.svg()
        raise ValueError(f"unknown Figure format {spec!r}, expected 'dot', 'svg' or 'text'")

    def save(self, path: str | Path) -> Path:
        """Write this figure to ``path`` (format by suffix)."""
        return write_figure(self, Path(path))


def no_picture_hint(error: Exception) -> str:
    """The line shown under a figure's text when no SVG could be made: why, and the DOT."""
    reason = str(error) if isinstance(error, RenderError) else type(error).__name__
    return (
        f"(no picture: {reason})\n"
        "(the DOT source: from aura_kit.render import figure_for; figure_for(x).dot,"
        " or figure_for(x).save('x.dot') to write it)"
    )


def _wanted(mime: str, include: Iterable[str] | None, exclude: Iterable[str] | None) -> bool:
    if include is not None and mime not in set(include):
        return False
    return exclude is None or mime not in set(exclude)


def pipe_dot(source: str, fmt: str) -> bytes:
    """Run ``dot -T<fmt>`` on ``source`` through the graphviz package."""
    try:
        import graphviz
    except ImportError as exc:
        raise RenderError(
            "graphviz package not installed",
            actual="missing",
            expected=f"pip install graphviz (or pip install aura_kit); {MEANWHILE}",
        ) from exc
    try:
        return graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise RenderError(
            "dot binary not found",
            actual="no dot on PATH",
            expected=f"Graphviz: apt-get install graphviz (or conda install graphviz); {MEANWHILE}",
        ) from exc
    except Exception as exc:
        raise RenderError(
            "dot failed",
            actual=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
            expected="valid DOT",
        ) from exc


def live_svg(source: str) -> bytes:
    """The SVG of a picture redrawn while a person watches (the explorer's panels): from a
    long-running ``dot`` when it can (``render.dot_process``: no start-up cost, not always
    the same bytes as one run), else one ``dot`` run, which gives the typed error."""
    if source.rstrip().endswith("}"):  # dot would wait for the rest of an unclosed graph
        drawn = POOL.svg(source, _dot_command())
        if drawn is not None:
            return drawn
    return pipe_dot(source, "svg")


def _dot_command() -> str:
    """The ``dot`` the graphviz package runs (its setting, normally ``dot`` on PATH)."""
    try:
        from graphviz.backend import dot_command
    except ImportError:  # pipe_dot then says the package is missing
        return "dot"
    return str(dot_command.DOT_BINARY)


def write_figure(fig: Figure, path: Path) -> Path:
    """Write one figure by suffix; the file is created only when rendering worked."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise RenderError(
            "unknown output format", actual=suffix or "(no suffix)", expected=", ".join(FORMATS)
        )
    data: bytes
    if suffix in (".dot", ".gv"):
        data = fig.dot.encode("utf-8")
    elif suffix == ".txt":
        data = (fig.text + "\n").encode("utf-8")
    else:
        data = pipe_dot(fig.dot, suffix[1:])
    path.write_bytes(data)
    return path
