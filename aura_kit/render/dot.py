"""A tiny deterministic DOT writer (pure text; graphviz is not imported here).

Invariants:
- output depends only on the calls made, in call order: no ids from memory addresses,
  no dict-order surprises (attributes are emitted sorted by name);
- every id and attribute value is quoted and escaped; HTML labels (``Html``) are emitted
  between ``<`` and ``>`` and must be built with ``html_escape``;
- a newline inside a plain label becomes DOT's ``\\n`` (centred line break).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aura_kit.view.text import shorten

__all__ = ["HIGHLIGHT", "DotWriter", "Html", "attr_list", "html_escape", "quote", "shorten"]

Attr = str | int | float | bool

HIGHLIGHT = "#fff3bf"  # the selected role in every figure (also a bold or double border)


class Html(str):
    """A label value that is already a Graphviz HTML-like label (without the outer <>)."""

    __slots__ = ()


def html_escape(text: str) -> str:
    """Escape text for use inside an HTML-like label."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def quote(value: Attr) -> str:
    """Quote one DOT id or attribute value."""
    if isinstance(value, Html):
        return f"<{value}>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def attr_list(attrs: dict[str, Attr]) -> str:
    """``[a="1", b="2"]`` sorted by name, or the empty string."""
    if not attrs:
        return ""
    inner = ", ".join(f"{k}={quote(v)}" for k, v in sorted(attrs.items()))
    return f" [{inner}]"


@dataclass(slots=True)
class DotWriter:
    """Collects statements of one graph or subgraph in call order."""

    name: str
    kind: str = "digraph"
    lines: list[str] = field(default_factory=list)

    def graph_attrs(self, **attrs: Attr) -> None:
        """Set graph attributes (``graph [...]``)."""
        self.lines.append(f"graph{attr_list(attrs)}")

    def defaults(self, what: str, **attrs: Attr) -> None:
        """Set default ``node`` or ``edge`` attributes."""
        self.lines.append(f"{what}{attr_list(attrs)}")

    def node(self, node_id: str, **attrs: Attr) -> None:
        """Add a node."""
        self.lines.append(f"{quote(node_id)}{attr_list(attrs)}")

    def edge(self, tail: str, head: str, **attrs: Attr) -> None:
        """Add a directed edge."""
        self.lines.append(f"{quote(tail)} -> {quote(head)}{attr_list(attrs)}")

    def same_rank(self, node_ids: list[str]) -> None:
        """Put nodes on one rank."""
        ids = "; ".join(quote(n) for n in node_ids)
        self.lines.append(f"{{rank=same; {ids}}}")

    def subgraph(self, name: str) -> DotWriter:
        """A nested subgraph; pass it to ``add`` when it is complete."""
        return DotWriter(name=name, kind="subgraph")

    def add(self, sub: DotWriter) -> None:
        """Embed a finished subgraph."""
        self.lines.append(sub.source().rstrip("\n"))

    def source(self) -> str:
        """The DOT text, ending in a newline."""
        body = "\n".join("  " + line.replace("\n", "\n  ") for line in self.lines)
        head = f"{self.kind} {quote(self.name)} {{"
        return f"{head}\n{body}\n}}\n" if body else f"{head}\n}}\n"
